using Analysis.Datasets;
using Analysis.Decomposition;
using Analysis.Parquet;
using Analysis.Results;

namespace Analysis.Probing;

/// <summary>What a layer sweep of probes reads, predicts and writes.</summary>
public sealed record LayerSweepRequest
{
    /// <summary>An activation dataset directory, or a Parquet file with float-list columns.</summary>
    public required string Data { get; init; }
    /// <summary>Comma-separated glob patterns over hook columns.</summary>
    public string Hooks { get; init; } = "*";
    /// <summary>A label column to predict (or use <see cref="LabelFrom"/>).</summary>
    public string? Label { get; init; }
    /// <summary>A label derived from the token, e.g. token:first-char.</summary>
    public string? LabelFrom { get; init; }
    /// <summary>The column with the token text (word types for the control task).</summary>
    public string TokenColumn { get; init; } = "token";
    /// <summary>Keep each value of this column on one side of the split.</summary>
    public string? GroupBy { get; init; }
    /// <summary>The fitting and baseline options.</summary>
    public ProbeOptions Options { get; init; } = new();
    /// <summary>Also fit each hook's probe on all rows and save it (JSON and ONNX) under Output/probes.</summary>
    public bool SaveProbes { get; init; }
    /// <summary>The output directory: results.json and probe.parquet.</summary>
    public required string Output { get; init; }
    /// <summary>Run metadata for the report.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// One probe per hook over an activation dataset (the layer sweep of "where does the model know X"), with the
/// baselines of <see cref="ProbeExperiment"/>; writes results.json (for the report) and probe.parquet.
/// </summary>
public static class LayerSweep
{
    /// <summary>Runs the sweep; <paramref name="onLayer"/> sees each hook's result as soon as it is done.</summary>
    public static IReadOnlyList<ProbeLayerResult> Run(LayerSweepRequest request, Action<ProbeLayerResult>? onLayer = null)
    {
        if ((request.Label is null) == (request.LabelFrom is null))
            throw new BadInputException("Give exactly one of --label COLUMN or --label-from token:…");
        using var table = ActivationTable.Open(request.Data);
        var hookNames = table.MatchHooks(request.Hooks);
        var tokens = table.Columns.Contains(request.TokenColumn) ? table.ReadStrings(request.TokenColumn) : null;
        string[] labels;
        if (request.LabelFrom is { } derive)
        {
            var rule = TokenLabel.Parse(derive);
            labels = (tokens ?? throw new BadInputException($"--label-from needs the token column '{request.TokenColumn}', which {table.Path} does not have; pass --token-column."))
                .Select(rule.Of).ToArray();
        }
        else labels = table.ReadStrings(request.Label!);
        var labelName = request.Label ?? request.LabelFrom!;
        var encoding = ClassEncoding.Of(labels, $"The label {labelName}");
        var groups = request.GroupBy is { } g ? table.ReadStrings(g) : null;
        Directory.CreateDirectory(request.Output);

        var results = new List<ProbeLayerResult>();
        PcaScatter? scatter = null;
        foreach (var hook in hookNames)
        {
            var x = table.ReadMatrix(hook);
            if (x.Rows != labels.Length) throw new BadInputException($"Hook {hook} has {x.Rows} rows but the label column has {labels.Length}; the dataset's files disagree.");
            var result = ProbeExperiment.Run(hook, x, labels, tokens ?? labels, groups, request.Options);
            results.Add(result);
            onLayer?.Invoke(result);
            if (request.SaveProbes)
            {
                var probe = LogisticRegression.Fit(x, encoding.Ids, encoding.Classes, request.Options.Model);
                var dir = Directory.CreateDirectory(Path.Combine(request.Output, "probes")).FullName;
                new ProbeFile { Hook = hook, Label = labelName, Classifier = probe, Metadata = { ["data"] = table.Path } }.Save(Path.Combine(dir, hook + ".json"));
                File.WriteAllBytes(Path.Combine(dir, hook + ".onnx"), ProbeOnnx.Export(probe, hook));
            }
            if (hook == hookNames[^1]) scatter = PcaScatter.Of(hook, labelName, x, labels);
        }
        WriteParquet(Path.Combine(request.Output, "probe.parquet"), results);
        ResultsFile.Save(request.Output, new Dictionary<string, string>(request.Metadata) { ["data"] = Path.GetFullPath(request.Data) },
            (ProbeSection.Entry, new[] { new ProbeSweep(labelName, [.. results]) }), (PcaSection.Entry, scatter is null ? [] : new[] { scatter }));
        return results;
    }

    private static void WriteParquet(string path, List<ProbeLayerResult> results)
    {
        string[] names = ["accuracy", "accuracy_low", "accuracy_high", "macro_f1", "log_loss", "majority", "shuffled", "control", "selectivity", "selectivity_low", "selectivity_high"];
        var fields = new List<ParquetField> { ParquetField.String("hook"), ParquetField.Int64("rows"), ParquetField.Int32("classes") };
        fields.AddRange(names.Select(n => ParquetField.Double(n)));
        using var w = ParquetWriter.Create(path, fields, new ParquetWriterOptions());
        w.WriteStrings("hook", results.Select(r => (string?)r.Hook).ToArray());
        w.WriteInt64("rows", results.Select(r => (long)r.Rows).ToArray());
        w.WriteInt32("classes", results.Select(r => r.Classes.Length).ToArray());
        Func<ProbeLayerResult, double>[] columns =
        [
            r => r.Accuracy.Value, r => r.Accuracy.Low, r => r.Accuracy.High, r => r.MacroF1.Value, r => r.LogLoss, r => r.Majority.Value,
            r => r.Shuffled.Value, r => r.Control.Value, r => r.Selectivity.Value, r => r.Selectivity.Low, r => r.Selectivity.High,
        ];
        for (var i = 0; i < names.Length; i++) w.WriteDouble(names[i], results.Select(columns[i]).ToArray());
        w.EndBatch();
        w.Finish();
    }
}
