using Analysis.Parquet;
using Analysis.Sae;

namespace Analysis.Tests.Sae;

/// <summary>Writes an activation dataset part as extract does for tokens: example_id, position, token_id, token, token_text, special and one hook.</summary>
internal static class TokenDataset
{
    public static string Write(string dir, float[] x, int d, int[] tokenIds, string[] texts, string hook, int rowsPerGroup = 1000)
    {
        Directory.CreateDirectory(dir);
        var n = tokenIds.Length;
        using var w = ParquetWriter.Create(Path.Combine(dir, "part-00000.parquet"),
            [ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.Int32("token_id"), ParquetField.String("token"),
             ParquetField.String("token_text"), ParquetField.Boolean("special"), ParquetField.FloatVector(hook, d)],
            new ParquetWriterOptions { RowGroupSize = 1 });
        for (var r0 = 0; r0 < n; r0 += rowsPerGroup)
        {
            var rows = Math.Min(rowsPerGroup, n - r0);
            w.WriteInt64("example_id", Enumerable.Range(r0, rows).Select(i => (long)(i / 16)).ToArray());
            w.WriteInt32("position", Enumerable.Range(r0, rows).Select(i => i % 16).ToArray());
            w.WriteInt32("token_id", tokenIds.AsSpan(r0, rows));
            w.WriteStrings("token", texts.AsSpan(r0, rows).ToArray().Select(t => (string?)("▁" + t)).ToArray());
            w.WriteStrings("token_text", texts.AsSpan(r0, rows).ToArray().Select(t => (string?)(" " + t)).ToArray());
            w.WriteBoolean("special", new bool[rows]);
            w.WriteFloatVectors(hook, x.AsSpan(r0 * d, rows * d));
            w.EndBatch();
        }
        w.Finish();
        return dir;
    }

    /// <summary>
    /// Word tokens over a planted dictionary (16 dims, 24 atoms, two per token) plus a direction per word, written as a
    /// dataset with a TopK SAE (k = 3) trained on it: the probe and the latents have something to find.
    /// </summary>
    public static (string Data, string Sae, float[] X) PlantedWords(string dir, string[] words, int seed, int latents, int rows = 6000)
    {
        const int d = 16;
        const string hook = "blocks.0.hook_resid_post";
        var planted = new PlantedDictionary(d, 24, seed);
        var x = planted.Sample(rows, 2, seed + 1);
        var rng = new Random(seed + 2);
        var ids = Enumerable.Range(0, rows).Select(_ => rng.Next(words.Length)).ToArray();
        for (var i = 0; i < rows; i++) for (var t = 0; t < d; t++) x[i * d + t] += planted.Directions[ids[i] * d + t];
        var data = Write(Path.Combine(dir, "acts"), x, d, ids, [.. ids.Select(i => words[i])], hook);
        var sae = Path.Combine(dir, "sae");
        SaeTraining.Run(new SaeTrainingRequest { Data = data, Hooks = [hook], Latents = [latents], K = [3], Tokens = 30_000, BatchSize = 200, LearningRate = 3e-3, Output = sae });
        return (data, sae, x);
    }
}
