using System.Diagnostics;
using Analysis.Extraction.Dataset;
using Analysis.Extraction.Sources;
using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Extraction;

/// <summary>
/// Turns the examples of one part into a part file: tokenize (truncating to the model's length), order by length so
/// batches carry little padding, run each batch, and write the selected positions' activations.
/// Also keeps the running totals an extraction reports.
/// </summary>
internal sealed class PartRun(
    ExtractionRequest request, Tokenizer tokenizer, InferenceSession session, ModelInputs inputs,
    IReadOnlyList<HookLayout> hooks, IReadOnlyList<LabelColumn> labels, long padId,
    IReadOnlyDictionary<string, string> metadata, IProgress<ExtractionProgress>? progress, Stopwatch clock)
{
    private readonly List<string> outputNames = hooks.Select(h => h.Output).Distinct().ToList(); // two hooks can share a tensor

    public long ExamplesTotal { get; set; }
    public long Examples { get; private set; }
    public long Rows { get; private set; }
    public long Tokens { get; private set; }
    public long Truncated { get; private set; }
    public long Bytes { get; private set; }
    private long examplesSeen;

    /// <summary>Counts examples of a part a previous run completed, for progress.</summary>
    public void SkipExamples(int count)
    {
        examplesSeen += count;
        Report();
    }

    /// <summary>Writes part <paramref name="part"/> and returns its record (the file is complete and in place).</summary>
    public PartRecord WritePart(DatasetDirectory dir, long part, IReadOnlyList<SourceExample> examples, CancellationToken cancel)
    {
        var encoded = new EncodedText[examples.Count];
        long partTokens = 0, partTruncated = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            var e = tokenizer.Encode(examples[i].Text);
            if (e.Count > request.MaxLength)
            {
                e = tokenizer.Encode(examples[i].Text, addSpecialTokens: true, request.MaxLength, Side.Right);
                partTruncated++;
            }
            encoded[i] = e;
            partTokens += e.Count;
            CollectionPacer.Tick();
        }
        // Length bucketing: batches of similar length waste little compute on padding. Ties keep input order, so the
        // order (and hence every value) is the same on every run.
        var order = Enumerable.Range(0, examples.Count).OrderBy(i => encoded[i].Count).ThenBy(i => i).ToArray();

        var path = dir.PartPath(part);
        dir.RemoveStaleTemporaries(part);
        long partRows;
        using (var writer = new PartWriter(path, labels, hooks, request.Float16, request.Compression, metadata))
        {
            for (int start = 0; start < order.Length; start += request.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(request.BatchSize, order.Length - start)).ToArray();
                RunBatch(writer, batch.Select(i => examples[i]).ToArray(), batch.Select(i => encoded[i]).ToArray());
                examplesSeen += batch.Length;
                Report(writer.Rows);
                CollectionPacer.Tick();
            }
            partRows = writer.Rows;
            writer.Finish();
        }
        var bytes = new FileInfo(path).Length;
        Examples += examples.Count;
        Rows += partRows;
        Tokens += partTokens;
        Truncated += partTruncated;
        Bytes += bytes;
        Report();
        return new PartRecord(DatasetDirectory.PartFileName(part), part, partRows, examples.Count, partTokens, partTruncated,
            bytes, DatasetDirectory.Sha256Of(path), examples[0].Id, examples[^1].Id);
    }

    private void RunBatch(PartWriter writer, SourceExample[] examples, EncodedText[] encoded)
    {
        int length = encoded.Max(e => e.Count);
        if (length == 0) return;
        using var results = session.Run(inputs.Build(encoded.Select(e => e.Ids).ToArray(), length, padId), outputNames);
        var tensors = hooks.Select(h => results[h.Output]).ToArray();
        for (int b = 0; b < examples.Length; b++)
        {
            var example = examples[b];
            var tokens = encoded[b];
            var selected = PositionSelector.Select(request.Positions, tokens, example.Span);
            if (selected.Length == 0) continue;
            bool bmp = CodePoints.IsBmpOnly(example.Text);
            int Cp(int utf16) => bmp ? utf16 : CodePoints.FromUtf16(example.Text, utf16);
            if (request.Positions == PositionMode.MeanSpan)
            {
                // One row: the first span token's identity, the whole span's characters, the mean of its vectors.
                int first = selected[0];
                var span = example.Span!.Value;
                writer.AddRow(example.Id, first, tokens.Ids[first], string.Concat(selected.Select(t => tokenizer.IdToToken(tokens.Ids[t]))),
                    Cp(span.Start), Cp(span.End), example.Labels);
                for (int h = 0; h < hooks.Count; h++)
                {
                    var row = writer.HookRow(h);
                    row.Clear(); // the buffer is reused across batches
                    var scratch = new float[row.Length];
                    foreach (var t in selected)
                    {
                        hooks[h].CopyToken(tensors[h], b, t, length, scratch);
                        System.Numerics.Tensors.TensorPrimitives.Add(row, scratch, row);
                    }
                    System.Numerics.Tensors.TensorPrimitives.Divide(row, selected.Length, row);
                }
                continue;
            }
            foreach (var t in selected)
            {
                var offset = tokens.Offsets[t];
                writer.AddRow(example.Id, t, tokens.Ids[t], tokenizer.IdToToken(tokens.Ids[t]), Cp(offset.Start), Cp(offset.End), example.Labels);
                for (int h = 0; h < hooks.Count; h++) hooks[h].CopyToken(tensors[h], b, t, length, writer.HookRow(h));
            }
        }
        writer.FlushBatch();
    }

    private void Report(long rowsInOpenPart = 0) =>
        progress?.Report(new ExtractionProgress(examplesSeen, ExamplesTotal, Tokens, Rows + rowsInOpenPart, Bytes, clock.Elapsed));
}
