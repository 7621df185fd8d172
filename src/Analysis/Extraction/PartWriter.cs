using Analysis.Extraction.Sources;
using Analysis.Parquet;

namespace Analysis.Extraction;

/// <summary>
/// Writes one part file of an activation dataset: rows are added one at a time into per-column buffers (each hook's
/// vectors contiguous, rows × dimension) and handed to the Parquet writer a batch at a time, so memory stays bounded by
/// two batches plus about two pages per column. The file appears under its final name only after <see cref="Finish"/>.
/// A batch is encoded on a background task while the caller runs the model on the next one (at most one batch in
/// flight, handed over in order, so the file is byte-identical to a sequential write).
/// </summary>
internal sealed class PartWriter : IDisposable
{
    private readonly ParquetWriter writer;
    private readonly IReadOnlyList<LabelColumn> labels;
    private readonly IReadOnlyList<HookLayout> hooks;
    private readonly bool float16;
    private readonly long ownRowGroupBytes;
    private readonly List<long> exampleIds = [];
    private readonly List<int> positions = [], tokenIds = [], charStarts = [], charEnds = [];
    private readonly List<string?> tokens = [], tokenTexts = [];
    private readonly List<bool> specials = [];
    private readonly List<object?>[] labelValues;
    private float[][] hookValues, spareHookValues;
    private int rows;
    private long flushedRows;
    private Task pending = Task.CompletedTask;

    /// <summary>A batch with at least <paramref name="ownRowGroupBytes"/> of activations is written as a row group of its own (<see cref="ExtractionRequest.OwnRowGroupBytes"/>).</summary>
    public PartWriter(string path, IReadOnlyList<LabelColumn> labels, IReadOnlyList<HookLayout> hooks, bool float16,
        ParquetCompression compression, IReadOnlyDictionary<string, string> metadata, long ownRowGroupBytes)
    {
        this.ownRowGroupBytes = ownRowGroupBytes;
        this.labels = labels;
        this.hooks = hooks;
        this.float16 = float16;
        labelValues = labels.Select(_ => new List<object?>()).ToArray();
        hookValues = hooks.Select(h => new float[h.Dimension * 64]).ToArray();
        spareHookValues = hooks.Select(h => new float[h.Dimension * 64]).ToArray();
        writer = ParquetWriter.Create(path, Fields(labels, hooks, float16), new ParquetWriterOptions
        {
            Compression = compression,
            Metadata = metadata,
            CreatedBy = $"analysis {typeof(PartWriter).Assembly.GetName().Version}",
        });
    }

    /// <summary>The columns of every part file, in order.</summary>
    public static IReadOnlyList<ParquetField> Fields(IReadOnlyList<LabelColumn> labels, IReadOnlyList<HookLayout> hooks, bool float16)
    {
        var fields = new List<ParquetField>
        {
            ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.Int32("token_id"),
            ParquetField.String("token"), ParquetField.Int32("char_start"), ParquetField.Int32("char_end"),
            ParquetField.String("token_text"), ParquetField.Boolean("special"),
        };
        foreach (var l in labels)
            fields.Add(l.Type switch
            {
                LabelType.Int64 => ParquetField.Int64(l.Name, nullable: true),
                LabelType.Double => ParquetField.Double(l.Name, nullable: true),
                LabelType.Boolean => ParquetField.Boolean(l.Name, nullable: true),
                _ => ParquetField.String(l.Name, nullable: true),
            });
        foreach (var h in hooks)
            fields.Add(float16 ? ParquetField.Float16Vector(h.Name, h.Dimension) : ParquetField.FloatVector(h.Name, h.Dimension));
        return fields;
    }

    /// <summary>Rows written so far.</summary>
    public long Rows => flushedRows + rows;

    /// <summary>
    /// Adds a row's identifying columns and labels; then fill <see cref="HookRow"/> for each hook. tokenText is the source
    /// text of [charStart, charEnd) (what labels derived from the token read, exact for every tokenizer); special marks
    /// tokens the tokenizer added or treats as special (BOS, [CLS], &lt;|endoftext|&gt;).
    /// </summary>
    public void AddRow(long exampleId, int position, int tokenId, string? token, int charStart, int charEnd, string tokenText, bool special, object?[] labelRow)
    {
        exampleIds.Add(exampleId);
        positions.Add(position);
        tokenIds.Add(tokenId);
        tokens.Add(token);
        charStarts.Add(charStart);
        charEnds.Add(charEnd);
        tokenTexts.Add(tokenText);
        specials.Add(special);
        for (int i = 0; i < labelValues.Length; i++) labelValues[i].Add(labelRow[i]);
        rows++;
        for (int h = 0; h < hooks.Count; h++)
            if (hookValues[h].Length < rows * hooks[h].Dimension)
                Array.Resize(ref hookValues[h], Math.Max(hookValues[h].Length * 2, rows * hooks[h].Dimension));
    }

    /// <summary>The vector of hook <paramref name="hook"/> for the row last added.</summary>
    public Span<float> HookRow(int hook) => hookValues[hook].AsSpan((rows - 1) * hooks[hook].Dimension, hooks[hook].Dimension);

    /// <summary>Hands the buffered rows to the Parquet writer (encoded in the background; errors surface on the next call).</summary>
    public void FlushBatch()
    {
        if (rows == 0) return;
        pending.GetAwaiter().GetResult(); // the previous batch is in the file, its buffers are free again
        var batch = new Batch(rows, exampleIds.ToArray(), positions.ToArray(), tokenIds.ToArray(), tokens.ToArray(),
            charStarts.ToArray(), charEnds.ToArray(), tokenTexts.ToArray(), specials.ToArray(), labelValues.Select(l => l.ToArray()).ToArray(), hookValues);
        (hookValues, spareHookValues) = (spareHookValues, hookValues);
        exampleIds.Clear(); positions.Clear(); tokenIds.Clear(); tokens.Clear(); charStarts.Clear(); charEnds.Clear(); tokenTexts.Clear(); specials.Clear();
        foreach (var l in labelValues) l.Clear();
        flushedRows += rows;
        rows = 0;
        pending = Task.Run(() => Write(batch));
    }

    /// <summary>One batch's columns, owned by the background write until it completes.</summary>
    private sealed record Batch(int Rows, long[] ExampleIds, int[] Positions, int[] TokenIds, string?[] Tokens,
        int[] CharStarts, int[] CharEnds, string?[] TokenTexts, bool[] Specials, object?[][] Labels, float[][] HookValues);

    private void Write(Batch batch)
    {
        long bytes = hooks.Sum(h => (long)batch.Rows * h.Dimension) * (float16 ? 2 : 4);
        if (bytes >= ownRowGroupBytes) writer.BeginRowGroup(); // straight to the file, in schema order
        writer.WriteInt64("example_id", batch.ExampleIds);
        writer.WriteInt32("position", batch.Positions);
        writer.WriteInt32("token_id", batch.TokenIds);
        writer.WriteStrings("token", batch.Tokens);
        writer.WriteInt32("char_start", batch.CharStarts);
        writer.WriteInt32("char_end", batch.CharEnds);
        writer.WriteStrings("token_text", batch.TokenTexts);
        writer.WriteBoolean("special", batch.Specials);
        for (int i = 0; i < labels.Count; i++) WriteLabel(labels[i], batch.Labels[i]);
        for (int h = 0; h < hooks.Count; h++)
        {
            var values = batch.HookValues[h].AsSpan(0, batch.Rows * hooks[h].Dimension);
            if (float16) writer.WriteHalfVectors(hooks[h].Name, values);
            else writer.WriteFloatVectors(hooks[h].Name, values);
        }
        writer.EndBatch();
    }

    private void WriteLabel(LabelColumn column, object?[] values)
    {
        var present = values.Select(v => v is not null).ToArray();
        switch (column.Type)
        {
            case LabelType.Int64: writer.WriteInt64(column.Name, values.Select(v => v as long? ?? 0).ToArray(), present); break;
            case LabelType.Double: writer.WriteDouble(column.Name, values.Select(v => v as double? ?? 0).ToArray(), present); break;
            case LabelType.Boolean: writer.WriteBoolean(column.Name, values.Select(v => v as bool? ?? false).ToArray(), present); break;
            default: writer.WriteStrings(column.Name, values.Select(v => (string?)v).ToArray()); break;
        }
    }

    /// <summary>Flushes, writes the footer, and moves the file into place.</summary>
    public void Finish()
    {
        FlushBatch();
        pending.GetAwaiter().GetResult();
        writer.Finish();
    }

    /// <summary>Without <see cref="Finish"/>, the partial file is deleted.</summary>
    public void Dispose()
    {
        // The background write must end before the file is closed. Its error, if any, already reached the caller (the
        // next FlushBatch or Finish rethrows it) or is moot: without Finish the partial file is deleted anyway.
        try { pending.Wait(); }
        catch (AggregateException) { }
        writer.Dispose();
    }
}
