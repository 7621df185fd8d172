using Analysis.Interventions;
using Analysis.Probing;
using Analysis.Numerics;
using Analysis.Datasets;

namespace Analysis.Tests.Interventions;

/// <summary>Directions made three ways, and steering along a first-letter probe's direction.</summary>
public class SteeringTests(StoriesActivations stories) : IClassFixture<StoriesActivations>
{
    [Fact]
    public void SteeringAlongAProbeDirectionRaisesThatProbesLogitMonotonicallyInAlpha()
    {
        var probePath = Path.Combine(stories.Probes, StoriesActivations.ProbeHook + ".json");
        var probe = ProbeFile.Load(probePath).Classifier;
        const string letter = "s";
        var direction = DirectionBuilder.FromProbe(probePath, letter, normalize: true);
        Assert.Equal(StoriesActivations.ProbeHook, direction.Hook);

        // Steer the stream before block 3's MLP and read the probe after it: the MLP stands between edit and readout.
        const string steered = "blocks.3.hook_resid_mid";
        using var model = InterventionModel.Open(StoriesActivations.Model, [new(steered, EditKind.Steer)], readHooks: [StoriesActivations.ProbeHook]);
        double[] alphas = [0, 0.5, 1, 2, 4, 8];
        int[] prompt = [1, 403, 407, 261, 378, 432, 383, 286, 261, 376];
        var rows = Enumerable.Repeat(prompt, alphas.Length).ToArray();
        var feed = model.CreateFeed(rows);
        for (var a = 0; a < alphas.Length; a++) feed.Steer(steered, a, direction.Vector, (float)alphas[a]);
        using var results = model.Run(feed);
        var acts = results[1].ToArray<float>();
        var d = probe.Dimension;
        var k = Array.IndexOf(probe.Classes, letter);
        var logits = probe.Logits(new Matrix(acts.Length / d, d, acts));
        // Mean over positions of the probe's logit for the letter, per α (rows are α-major).
        var perAlpha = Enumerable.Range(0, alphas.Length)
            .Select(a => Enumerable.Range(0, prompt.Length).Average(t => (double)logits[(a * prompt.Length + t) * probe.Classes.Length + k])).ToArray();
        for (var a = 1; a < alphas.Length; a++)
            Assert.True(perAlpha[a] > perAlpha[a - 1], $"probe logit for '{letter}' by α: {string.Join(", ", perAlpha.Select(v => v.ToString("0.###")))}");
        Assert.True(perAlpha[^1] - perAlpha[0] > 1, "steering by 8 should move the logit by more than 1");
    }

    [Fact]
    public void ClassMeanDirectionIsTheDifferenceOfMeansComputedDirectly()
    {
        var dir = DirectionBuilder.FromClassMeans(stories.Data, StoriesActivations.ProbeHook, "token:first-char", "s", null, normalize: false);
        using var table = ActivationTable.Open(stories.Data);
        var x = table.ReadMatrix(StoriesActivations.ProbeHook);
        var rule = TokenLabel.Parse("token:first-char");
        var isS = table.ReadStrings("token").Select(t => rule.Of(t) == "s").ToArray();
        for (var j = 0; j < x.Columns; j++)
        {
            var pos = Enumerable.Range(0, x.Rows).Where(i => isS[i]).Average(i => (double)x[i, j]);
            var neg = Enumerable.Range(0, x.Rows).Where(i => !isS[i]).Average(i => (double)x[i, j]);
            Assert.Equal(pos - neg, dir.Vector[j], 4);
        }
        var unit = DirectionBuilder.FromClassMeans(stories.Data, StoriesActivations.ProbeHook, "token:first-char", "s", null, normalize: true);
        Assert.Equal(1.0, Math.Sqrt(unit.Vector.Sum(v => (double)v * v)), 5);
        Assert.Throws<BadInputException>(() => DirectionBuilder.FromClassMeans(stories.Data, StoriesActivations.ProbeHook, "token:first-char", "no-such-letter", null, false));
    }

    [Fact]
    public void SaeDecoderRowIsReadFromSafetensors()
    {
        using var dir = new Extraction.TempDirectory();
        const int features = 5, width = 7;
        var decoder = Enumerable.Range(0, features * width).Select(i => i * 0.25f - 3).ToArray();
        var path = Path.Combine(dir.Path, "sae.safetensors");
        WriteSafetensors(path, ("b_dec", new float[width], [width]), ("W_dec", decoder, [features, width]));
        var direction = DirectionBuilder.FromSae(path, 3, "blocks.2.hook_resid_post", normalize: false);
        Assert.Equal(decoder.Skip(3 * width).Take(width), direction.Vector);
        var saved = Path.Combine(dir.Path, "d.json");
        direction.Save(saved);
        Assert.Equal(direction.Vector, Direction.Load(saved).Vector);
        Assert.Throws<BadInputException>(() => DirectionBuilder.FromSae(path, features, "h", false));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<BadInputException>(() => DirectionBuilder.FromSae(path, 0, "h", false));
    }

    /// <summary>The safetensors layout, written the way the format's specification describes it.</summary>
    internal static void WriteSafetensors(string path, params (string Name, float[] Data, long[] Shape)[] tensors)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, data, shape) in tensors)
        {
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { offset, offset + data.Length * 4L } };
            offset += data.Length * 4L;
        }
        var json = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(header));
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        foreach (var (_, data, _) in tensors) file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }
}
