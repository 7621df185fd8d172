using System.Text.Json;
using Analysis.Parquet;

namespace Analysis.Sae;

/// <summary>
/// The Parquet tables of <c>sae features</c>. features.parquet: one row per feature. contexts.parquet: one row per kept
/// token (top and quantile samples). Lists (tokens, activations, logit tokens) are JSON arrays in string columns, which
/// DuckDB (<c>json_extract</c>, <c>from_json</c>), pandas and polars read directly.
/// </summary>
internal static class FeatureTables
{
    public static void WriteFeatures(string path, IReadOnlyList<FeatureSummary> summaries, IReadOnlyList<FeatureLogits> logits, List<int[]> sequences, string[] tokenText)
    {
        var n = summaries.Count;
        using var w = ParquetWriter.Create(path,
        [
            ParquetField.Int32("feature"), ParquetField.Int64("count"), ParquetField.Double("density"), ParquetField.Double("log10_density", nullable: true),
            ParquetField.Double("mean_activation"), ParquetField.Float("max_activation"), ParquetField.String("top_tokens"),
            ParquetField.String("top_logit_tokens"), ParquetField.String("top_logit_values"), ParquetField.String("bottom_logit_tokens"), ParquetField.String("bottom_logit_values"),
            ParquetField.Double("histogram_bin_width"), ParquetField.String("histogram"),
        ]);
        w.WriteInt32("feature", [.. summaries.Select(s => s.Feature)]);
        w.WriteInt64("count", [.. summaries.Select(s => s.Count)]);
        w.WriteDouble("density", [.. summaries.Select(s => s.Density)]);
        w.WriteDouble("log10_density", [.. summaries.Select(s => s.Count > 0 ? Math.Log10(s.Density) : 0)], [.. summaries.Select(s => s.Count > 0)]);
        w.WriteDouble("mean_activation", [.. summaries.Select(s => s.MeanActivation)]);
        w.WriteFloat("max_activation", [.. summaries.Select(s => s.MaxActivation)]);
        w.WriteStrings("top_tokens", [.. summaries.Select(s => Json(s.Top.Select(e => tokenText[sequences[e.Sequence][e.Position]])))]);
        w.WriteStrings("top_logit_tokens", [.. logits.Select(l => Json(l.Top.Select(t => tokenText[t.Id])))]);
        w.WriteStrings("top_logit_values", [.. logits.Select(l => Json(l.Top.Select(t => t.Value)))]);
        w.WriteStrings("bottom_logit_tokens", [.. logits.Select(l => Json(l.Bottom.Select(t => tokenText[t.Id])))]);
        w.WriteStrings("bottom_logit_values", [.. logits.Select(l => Json(l.Bottom.Select(t => t.Value)))]);
        w.WriteDouble("histogram_bin_width", [.. summaries.Select(s => s.HistogramWidth)]);
        w.WriteStrings("histogram", [.. summaries.Select(s => Json(s.Histogram))]);
        w.EndBatch();
        w.SetMetadata("analysis.rows", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.Finish();
    }

    public static void WriteContexts(string path, IReadOnlyList<FeatureSummary> summaries, List<int[]> sequences, string[] tokenText)
    {
        using var w = ParquetWriter.Create(path,
        [
            ParquetField.Int32("feature"), ParquetField.String("kind"), ParquetField.Int32("rank"), ParquetField.Int32("bin", nullable: true),
            ParquetField.Int32("example"), ParquetField.Int32("position"), ParquetField.Int32("token_id"), ParquetField.String("token"),
            ParquetField.Float("activation"), ParquetField.Int32("context_start"), ParquetField.String("context_tokens"), ParquetField.String("context_activations"),
        ]);
        var rows = new List<(int Feature, string Kind, int Rank, int? Bin, FeatureExample E)>();
        void Flush()
        {
            if (rows.Count == 0) return;
            w.WriteInt32("feature", [.. rows.Select(r => r.Feature)]);
            w.WriteStrings("kind", [.. rows.Select(r => r.Kind)]);
            w.WriteInt32("rank", [.. rows.Select(r => r.Rank)]);
            w.WriteInt32("bin", [.. rows.Select(r => r.Bin ?? 0)], [.. rows.Select(r => r.Bin.HasValue)]);
            w.WriteInt32("example", [.. rows.Select(r => r.E.Sequence)]);
            w.WriteInt32("position", [.. rows.Select(r => r.E.Position)]);
            w.WriteInt32("token_id", [.. rows.Select(r => sequences[r.E.Sequence][r.E.Position])]);
            w.WriteStrings("token", [.. rows.Select(r => tokenText[sequences[r.E.Sequence][r.E.Position]])]);
            w.WriteFloat("activation", [.. rows.Select(r => r.E.Activation)]);
            w.WriteInt32("context_start", [.. rows.Select(r => r.E.Start)]);
            w.WriteStrings("context_tokens", [.. rows.Select(r => Json(sequences[r.E.Sequence].Skip(r.E.Start).Take(r.E.Window.Length).Select(id => tokenText[id])))]);
            w.WriteStrings("context_activations", [.. rows.Select(r => Json(r.E.Window))]);
            w.EndBatch();
            rows.Clear();
        }
        foreach (var s in summaries)
        {
            for (var i = 0; i < s.Top.Count; i++) rows.Add((s.Feature, "top", i, null, s.Top[i]));
            for (var i = 0; i < s.Quantiles.Count; i++) rows.Add((s.Feature, "quantile", i, s.Quantiles[i].Bin, s.Quantiles[i].Example));
            if (rows.Count >= 65_536) Flush();
        }
        Flush();
        w.Finish();
    }

    private static string Json<T>(IEnumerable<T> values) => JsonSerializer.Serialize(values.ToArray());
}
