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
    IReadOnlyList<HookLayout> hooks, PositionGatherModel? gather, IReadOnlyList<LabelColumn> labels, long padId,
    IReadOnlyDictionary<string, string> metadata, IProgress<ExtractionProgress>? progress, Stopwatch clock)
{
    // Per hook, the output holding only the selected tokens when the graph selects them, else null (the full output).
    private readonly string?[] gatheredOutputs = hooks.Select(h => gather?.OutputOf.GetValueOrDefault(h.Name)).ToArray();
    private readonly List<string> outputNames = hooks.Select(h => gather?.OutputOf.GetValueOrDefault(h.Name) ?? h.Output).Distinct().ToList(); // two hooks can share a tensor

    public long ExamplesTotal { get; set; }
    public long Examples { get; private set; }
    public long Rows { get; private set; }
    public long Tokens { get; private set; }
    public long Truncated { get; private set; }
    public long Bytes { get; private set; }
    public long OutputBytes { get; private set; }
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
            if (request.ForceCollections) CollectionPacer.Tick();
        }
        // Length bucketing: batches of similar length waste little compute on padding. Ties keep input order, so the
        // order (and hence every value) is the same on every run.
        var order = Enumerable.Range(0, examples.Count).OrderBy(i => encoded[i].Count).ThenBy(i => i).ToArray();

        var path = dir.PartPath(part);
        dir.RemoveStaleTemporaries(part);
        long partRows;
        using (var writer = new PartWriter(path, labels, hooks, request.Float16, request.Compression, metadata, request.OwnRowGroupBytes))
        {
            for (int start = 0; start < order.Length; start += request.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(request.BatchSize, order.Length - start)).ToArray();
                RunBatch(writer, batch.Select(i => examples[i]).ToArray(), batch.Select(i => encoded[i]).ToArray(), cancel);
                examplesSeen += batch.Length;
                Report(writer.Rows);
                if (request.ForceCollections) CollectionPacer.Tick();
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

    private void RunBatch(PartWriter writer, SourceExample[] examples, EncodedText[] encoded, CancellationToken cancel)
    {
        int length = encoded.Max(e => e.Count);
        if (length == 0) return;
        var selections = examples.Select((e, b) => PositionSelector.Select(request.Positions, encoded[b], e.Span)).ToArray();
        int k = selections.Max(s => s.Length);
        var feeds = inputs.Build(encoded.Select(e => e.Ids).ToArray(), length, padId);
        if (gather is not null)
        {
            if (k == 0) return; // nothing selected in the whole batch (spans truncated away): no rows, no run needed
            feeds[PositionGatherModel.IndicesInput] = Indices(selections, k);
        }
        // Cancelling stops the forward pass inside ORT (RunOptions.Terminate), so a stop request is honoured within one operator.
        using var results = session.Run(feeds, outputNames, cancel);
        foreach (var name in outputNames) OutputBytes += results[name].Bytes.Length;
        var tensors = hooks.Select((h, i) => results[gatheredOutputs[i] ?? h.Output]).ToArray();
        // The j-th selected token t of row b: at t in a full output (padded to length), at j in a gathered one (k long).
        void CopyToken(int h, int b, int j, int t, Span<float> destination)
        {
            if (gatheredOutputs[h] is null) hooks[h].CopyToken(tensors[h], b, t, length, destination);
            else hooks[h].CopyToken(tensors[h], b, j, k, destination);
        }
        for (int b = 0; b < examples.Length; b++)
        {
            var example = examples[b];
            var tokens = encoded[b];
            var selected = selections[b];
            if (selected.Length == 0) continue;
            bool bmp = CodePoints.IsBmpOnly(example.Text);
            int Cp(int utf16) => bmp ? utf16 : CodePoints.FromUtf16(example.Text, utf16);
            if (request.Positions == PositionMode.MeanSpan)
            {
                // One row: the first span token's identity, the whole span's characters, the mean of its vectors.
                int first = selected[0];
                var span = example.Span!.Value;
                writer.AddRow(example.Id, first, tokens.Ids[first], string.Concat(selected.Select(t => tokenizer.IdToToken(tokens.Ids[t]))),
                    Cp(span.Start), Cp(span.End), example.Text[span.Start..span.End], selected.All(t => tokens.SpecialTokensMask[t]), example.Labels);
                for (int h = 0; h < hooks.Count; h++)
                {
                    var row = writer.HookRow(h);
                    row.Clear(); // the buffer is reused across batches
                    var scratch = new float[row.Length];
                    for (int j = 0; j < selected.Length; j++)
                    {
                        CopyToken(h, b, j, selected[j], scratch);
                        System.Numerics.Tensors.TensorPrimitives.Add(row, scratch, row);
                    }
                    System.Numerics.Tensors.TensorPrimitives.Divide(row, selected.Length, row);
                }
                continue;
            }
            for (int j = 0; j < selected.Length; j++)
            {
                int t = selected[j];
                var offset = tokens.Offsets[t];
                writer.AddRow(example.Id, t, tokens.Ids[t], tokenizer.IdToToken(tokens.Ids[t]), Cp(offset.Start), Cp(offset.End),
                    example.Text[offset.Start..offset.End], tokens.SpecialTokensMask[t], example.Labels);
                for (int h = 0; h < hooks.Count; h++) CopyToken(h, b, j, t, writer.HookRow(h));
            }
        }
        writer.FlushBatch();
    }

    /// <summary>
    /// The gathering graph's indices: [batch, k], row b's selected tokens, padded by repeating its last one (or token 0
    /// when it has none) so every index points at a real position; the padding's rows are fetched but never read.
    /// </summary>
    private static Tensor Indices(int[][] selections, int k)
    {
        var indices = new long[selections.Length * k];
        for (int b = 0; b < selections.Length; b++)
        {
            var row = selections[b];
            for (int j = 0; j < k; j++) indices[b * k + j] = row.Length == 0 ? 0 : row[Math.Min(j, row.Length - 1)];
        }
        return Tensor.Create(indices, selections.Length, k);
    }

    private void Report(long rowsInOpenPart = 0) =>
        progress?.Report(new ExtractionProgress(examplesSeen, ExamplesTotal, Tokens, Rows + rowsInOpenPart, Bytes, clock.Elapsed));
}
