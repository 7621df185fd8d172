using System.Globalization;
using System.Text;
using System.Text.Json;
using Analysis.Runtime;
using Analysis.Verification;

namespace Analysis.Tests.Verification;

public class ModelVerifierTests
{
    [Theory]
    [MemberData(nameof(Models.All), MemberType = typeof(Models))]
    public void EveryReferenceModelMatchesItsExporterThroughOurRuntime(string name)
    {
        var report = ModelVerifier.Verify(Models.Folder(name));
        Assert.True(report.Passed, $"{name}: max abs {report.MaxAbsolute:E2}, max rel {report.MaxRelative:E2}");
        // Independent of the file's tolerance: float32 ONNX Runtime vs float32 torch agree to 1e-4 on all five.
        Assert.InRange(report.MaxAbsolute, 0, 1e-4);
    }

    /// <summary>
    /// Both Optimum-style files of gpt2-tiny (with past; merged with an If node) against the exporter's torch logits, the
    /// cache filled empty and use_cache_branch false; and those torch logits are the plain gpt2-tiny's on every real token.
    /// </summary>
    [Fact]
    public void OptimumExportsMatchTorchAndThePlainModelsLogits()
    {
        var folder = Models.Folder("gpt2-tiny-optimum");
        foreach (var file in new[] { "model.onnx", "decoder_model_merged.onnx" })
        {
            var report = ModelVerifier.Verify(Path.Combine(folder, file));
            Assert.True(report.Passed, $"{file}: max abs {report.MaxAbsolute:E2}, max rel {report.MaxRelative:E2}");
            Assert.InRange(report.MaxAbsolute, 0, 1e-4);
        }

        var optimum = Assert.Single(ModelReference.Load(Path.Combine(folder, "reference.json")).Cases);
        var plain = Assert.Single(ModelReference.Load(Path.Combine(Models.Folder("gpt2-tiny"), "reference.json")).Cases);
        Assert.Equal(plain.Inputs["input_ids"].Data, optimum.Inputs["input_ids"].Data);
        Assert.Equal(plain.LogitsShape, optimum.LogitsShape);
        var mask = plain.Inputs["attention_mask"].Data;
        var vocab = (int)plain.LogitsShape[2];
        var compared = 0;
        for (var row = 0; row < mask.Length; row++)
        {
            if (mask[row] == 0) continue; // padding: Optimum's position_ids differ there, and nothing reads those logits
            for (var v = 0; v < vocab; v++) Assert.Equal(plain.Logits[row * vocab + v], optimum.Logits[row * vocab + v], 1e-5f);
            compared++;
        }
        Assert.True(compared > 20);
    }

    [Fact]
    public void StoriesLogitsMatchTorchTo1e4AndGreedyDecodingReproducesTheLilyStory()
    {
        var report = ModelVerifier.Verify(Models.Folder("stories260k"));
        Assert.All(report.Cases, c => Assert.InRange(c.Error.MaxAbsolute, 0, 1e-4));
        var g = report.Generation!;
        Assert.True(g.Passed, $"our continuation differs from torch's at token {g.MatchingPrefix}");
        Assert.True(g.Actual.Length >= 60);

        var reference = ModelReference.Load(Path.Combine(Models.Folder("stories260k"), "reference.json")).Generation!;
        var text = Decode(Path.Combine(Models.Folder("stories260k"), "tokenizer.json"), [.. reference.PromptIds, .. g.Actual]);
        Assert.Equal(reference.Text, text);
        Assert.StartsWith("Once upon a time", text);
        Assert.Contains("girl named Lily", text);
    }

    [Fact]
    public void GreedyDecoderStopsAtTheStepLimitAndAtStopIds()
    {
        using var session = InferenceSession.Open(Path.Combine(Models.Folder("stories260k"), "model.onnx"));
        var g = ModelReference.Load(Path.Combine(Models.Folder("stories260k"), "reference.json")).Generation!;
        Assert.Equal(g.NewIds[..5], GreedyDecoder.Generate(session, g.PromptIds, 5, new HashSet<long>()));
        Assert.Equal(g.NewIds[..3], GreedyDecoder.Generate(session, g.PromptIds, 50, new HashSet<long> { g.NewIds[3] }));
    }

    [Fact]
    public void AnAlteredReferenceLogitFailsVerificationWithThatError()
    {
        var folder = Models.Folder("gpt2-tiny");
        var json = File.ReadAllText(Path.Combine(folder, "reference.json"));
        var root = JsonDocument.Parse(json).RootElement;
        var first = root.GetProperty("cases")[0].GetProperty("logits")[0].GetDouble();
        // Move the first logit by 0.01: verification must report about that much error and fail.
        var firstText = root.GetProperty("cases")[0].GetProperty("logits")[0].GetRawText();
        var altered = json.Replace("\"logits\":[" + firstText + ",", "\"logits\":[" + (first + 0.01).ToString("R", CultureInfo.InvariantCulture) + ",");
        Assert.NotEqual(json, altered);
        var path = Path.Combine(Path.GetTempPath(), $"reference-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, altered);
        try
        {
            var report = ModelVerifier.Verify(folder, path);
            Assert.False(report.Passed);
            Assert.InRange(report.MaxAbsolute, 0.0099, 0.0102);
            Assert.Equal(0, report.Cases[0].Error.WorstIndex);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ATighterToleranceThanFloat32CanMeetFails()
    {
        var report = ModelVerifier.Verify(Models.Folder("bert-tiny"), tolerance: new Tolerance(1e-12, 1e-12));
        Assert.False(report.Passed);
    }

    [Fact]
    public void AReferenceOfAnotherModelIsRejected()
    {
        var e = Assert.Throws<BadInputException>(() =>
            ModelVerifier.Verify(Models.Folder("gpt2-tiny"), Path.Combine(Models.Folder("bert-tiny"), "reference.json")));
        Assert.Contains("'token_type_ids', which is not an input of the model", e.Message);
        var e2 = Assert.Throws<BadInputException>(() =>
            ModelVerifier.Verify(Models.Folder("bert-tiny"), Path.Combine(Models.Folder("stories260k"), "reference.json")));
        Assert.Contains("no values for the model input 'token_type_ids'", e2.Message);
    }

    [Fact]
    public void AFolderWithoutAModelIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ModelVerifier.Verify(Path.GetTempPath()));

    /// <summary>SentencePiece decoding written here from the tokenizer.json vocabulary: pieces, ▁ as space, &lt;0xNN&gt; as bytes, skip specials, drop the first space.</summary>
    private static string Decode(string tokenizerJson, long[] ids)
    {
        var vocab = JsonDocument.Parse(File.ReadAllText(tokenizerJson)).RootElement.GetProperty("model").GetProperty("vocab");
        var pieces = vocab.EnumerateObject().ToDictionary(p => p.Value.GetInt64(), p => p.Name);
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            var piece = pieces[id];
            if (piece is "<s>" or "</s>" or "<unk>") continue;
            if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal))
                bytes.Add(byte.Parse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            else bytes.AddRange(Encoding.UTF8.GetBytes(piece.Replace('\u2581', ' ')));
        }
        var text = Encoding.UTF8.GetString(bytes.ToArray());
        return text.StartsWith(' ') ? text[1..] : text;
    }
}
