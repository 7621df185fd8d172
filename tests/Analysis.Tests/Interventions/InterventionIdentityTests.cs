using Analysis.Extraction;
using Analysis.Interventions;
using Analysis.Runtime;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Interventions;

/// <summary>
/// With nothing fed (zero steering, an all-true keep mask) a model carrying interventions on many hooks gives logits
/// bit-identical to the unedited model's, and so does patching a hook's own clean values in at every position.
/// </summary>
public class InterventionIdentityTests
{
    internal static readonly int[][] Rows = [[1, 403, 407, 261, 378, 432, 383], [1, 286, 261, 376], [1, 298, 315, 421, 395]];

    public static TheoryData<string> DecoderModels => new() { "stories260k", "gpt2-tiny", "neox-tiny" };

    internal static InterventionPoint[] EveryKind =>
    [
        new("blocks.0.hook_resid_pre", EditKind.Steer), new("blocks.1.hook_resid_post", EditKind.Steer),
        new("blocks.0.hook_resid_pre", EditKind.Replace), new("blocks.1.mlp.hook_post", EditKind.Replace),
        new("blocks.1.attn.hook_z", EditKind.Replace), new("blocks.0.hook_attn_out", EditKind.Replace),
    ];

    [Theory]
    [MemberData(nameof(DecoderModels))]
    public void NeutralFeedsAreBitIdenticalToTheCleanModel(string name)
    {
        var path = Path.Combine(Models.Folder(name), "model.onnx");
        var clean = CleanLogits(path, Rows);
        using var model = InterventionModel.Open(path, EveryKind);
        using var neutral = model.Run(model.CreateFeed(Rows));
        AssertBitIdentical(clean, neutral[0].ToArray<float>());

        // A nonzero vector at no position, and a zero multiple of it at every position, both add exact zeros.
        var vector = Enumerable.Range(0, model.Widths["blocks.1.hook_resid_post"]).Select(i => MathF.Sin(i) * 3).ToArray();
        var feed = model.CreateFeed(Rows);
        for (var r = 0; r < Rows.Length; r++)
        {
            feed.Steer("blocks.1.hook_resid_post", r, vector, alpha: 0f);
            feed.Steer("blocks.0.hook_resid_pre", r, vector, alpha: 5f, positions: []);
        }
        Array.Fill(feed.Values("blocks.1.mlp.hook_post"), 123f); // Values behind an all-true keep mask are never read.
        using var zero = model.Run(feed);
        AssertBitIdentical(clean, zero[0].ToArray<float>());
    }

    [Theory]
    [MemberData(nameof(DecoderModels))]
    public void PatchingCleanActivationsIntoTheCleanRunGivesTheCleanLogits(string name)
    {
        var path = Path.Combine(Models.Folder(name), "model.onnx");
        const string hook = "blocks.1.hook_attn_out";
        using var model = InterventionModel.Open(path, [new(hook, EditKind.Replace)], readHooks: [hook]);
        using var clean = model.Run(model.CreateFeed(Rows));
        var activations = clean[1].ToArray<float>();
        var feed = model.CreateFeed(Rows);
        activations.CopyTo(feed.Values(hook), 0);
        Array.Fill(feed.Keep(hook), false);
        using var patched = model.Run(feed);
        AssertBitIdentical(clean[0].ToArray<float>(), patched[0].ToArray<float>());
        AssertBitIdentical(CleanLogits(path, Rows), patched[0].ToArray<float>());
    }

    internal static float[] CleanLogits(string path, IReadOnlyList<int[]> rows)
    {
        using var session = InferenceSession.Open(path);
        var inputs = new ModelInputs(session.Inputs).Build(rows, rows.Max(r => r.Length), 0);
        var output = session.Outputs.Any(o => o.Name == "logits") ? "logits" : session.Outputs[0].Name;
        using var results = session.Run(inputs, [output]);
        return results[0].ToArray<float>();
    }

    internal static void AssertBitIdentical(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var differing = Enumerable.Range(0, expected.Length).Count(i => BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]));
        var maxError = Enumerable.Range(0, expected.Length).Max(i => MathF.Abs(expected[i] - actual[i]));
        Assert.True(differing == 0, $"{differing} of {expected.Length} logits differ in their bits (max abs difference {maxError:g3}).");
    }
}
