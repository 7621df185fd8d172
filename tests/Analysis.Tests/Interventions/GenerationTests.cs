using System.Text.Json;
using Analysis.Generation;
using Analysis.Interventions;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Interventions;

/// <summary>Generation by recomputation against torch's greedy continuation, and sampling, steering and clamping in it.</summary>
public class GenerationTests
{
    private static readonly string Folder = Models.Folder("stories260k");

    private static GenerationRequest Request(int tokens, Sampling? sampling = null) => new()
    {
        Model = Path.Combine(Folder, "model.onnx"), Tokenizer = Path.Combine(Folder, "tokenizer.json"),
        Prompt = "Once upon a time", MaxNewTokens = tokens, Sampling = sampling ?? Sampling.GreedyDecoding,
    };

    [Fact]
    public void GreedyGenerationEqualsTheTorchReferencesHundredTokens()
    {
        // reference.json's generation was produced by torch running llama2.c's model (tools/export/llama2c.py).
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        var reference = doc.RootElement.GetProperty("generation");
        var expected = reference.GetProperty("new_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(100, expected.Length);
        Assert.Equal("Once upon a time", reference.GetProperty("prompt").GetString());

        var result = Generator.Run(Request(100));
        Assert.Equal(reference.GetProperty("prompt_ids").EnumerateArray().Select(e => e.GetInt32()), result.PromptIds);
        Assert.Equal(expected, result.Output.TokenIds);
        Assert.Null(result.Clean);
        Assert.StartsWith(", there was a little girl named Lily.", result.Output.Text.TrimStart());
    }

    [Fact]
    public void SamplingIsReproducibleBySeedAndATinyNucleusIsGreedy()
    {
        var greedy = Generator.Run(Request(12)).Output.TokenIds;
        var nucleus = Generator.Run(Request(12, new Sampling(Greedy: false, Temperature: 1.5, TopP: 1e-6, Seed: 7))).Output.TokenIds;
        Assert.Equal(greedy, nucleus);
        var a = Generator.Run(Request(20, new Sampling(false, 1.2, 0.95, 11))).Output.TokenIds;
        var b = Generator.Run(Request(20, new Sampling(false, 1.2, 0.95, 11))).Output.TokenIds;
        Assert.Equal(a, b);
        Assert.NotEqual(greedy, Generator.Run(Request(20, new Sampling(false, 3, 1, 5))).Output.TokenIds.Take(12).ToArray());
    }

    [Fact]
    public void SteeringAndClampingChangeTheContinuationAndKeepTheCleanOneBeside()
    {
        var clean = Generator.Run(Request(30)).Output.TokenIds;
        var zero = Generator.Run(Request(30) with
        {
            Steering = [new SteeringEdit("blocks.2.hook_resid_post", Direction.Create("blocks.2.hook_resid_post", Enumerable.Repeat(1f, 64).ToArray(), "ones", true), 0)],
        });
        Assert.Equal(clean, zero.Output.TokenIds);
        Assert.Equal(clean, zero.Clean!.TokenIds);

        var vector = Enumerable.Range(0, 64).Select(i => MathF.Cos(i * 0.7f)).ToArray();
        var steered = Generator.Run(Request(30) with
        {
            Steering = [new SteeringEdit(null, Direction.Create("blocks.2.hook_resid_post", vector, "cosine", true), 12)],
        });
        Assert.Equal(clean, steered.Clean!.TokenIds);
        Assert.NotEqual(clean, steered.Output.TokenIds);

        var clamped = Generator.Run(Request(30) with { Clamps = [new ClampEdit("blocks.1.mlp.hook_post", 5, 40f)] });
        Assert.Equal(clean, clamped.Clean!.TokenIds);
        Assert.NotEqual(clean, clamped.Output.TokenIds);
        Assert.Throws<BadInputException>(() => Generator.Run(Request(3) with { Clamps = [new ClampEdit("blocks.1.mlp.hook_post", 9999, 1f)] }));
    }
}
