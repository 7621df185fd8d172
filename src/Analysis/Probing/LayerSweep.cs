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
    /// <summary>Lower-case the token's text before deriving its label (<see cref="LabelFrom"/>).</summary>
    public bool FoldCase { get; init; }
    /// <summary>Keep special tokens and empty spans when deriving labels (skipped by default).</summary>
    public bool KeepSpecial { get; init; }
    /// <summary>With <see cref="GroupBy"/>, classes spread over fewer groups than this are dropped (0 keeps all): see <see cref="SplittableClasses"/>.</summary>
    public int MinGroupsPerClass { get; init; } = 3;
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
        var groups = request.GroupBy is { } g ? table.ReadStrings(g) : null;
        string[] labels;
        DerivedLabels? derived = null;
        if (request.LabelFrom is { } derive)
        {
            derived = DerivedLabels.Read(table, TokenLabel.Parse(derive, request.FoldCase), request.TokenColumn, request.KeepSpecial);
            labels = derived.Labels;
            if (labels.Length == 0)
                throw new BadInputException($"Every row of {table.Path} is a special token or an empty span ({derived.SkippedSpecial} special, {derived.SkippedEmpty} empty), so no token has a label; pass --keep-special or use another dataset.");
            string[] Keep(string[] column) => derived.Rows.Select(i => column[i]).ToArray();
            if (tokens is not null) tokens = Keep(tokens);
            if (groups is not null) groups = Keep(groups);
        }
        else labels = table.ReadStrings(request.Label!);
        // Rows of the table that are probed, in order (null: all of them).
        var rows = derived?.Rows;
        SplittableClasses? splittable = null;
        if (groups is not null && request.MinGroupsPerClass > 0)
        {
            splittable = SplittableClasses.Of(labels, groups, request.MinGroupsPerClass);
            if (splittable.DroppedRows > 0)
            {
                string[] Keep(string[] column) => splittable.Rows.Select(i => column[i]).ToArray();
                labels = Keep(labels);
                groups = Keep(groups);
                if (tokens is not null) tokens = Keep(tokens);
                rows = rows is null ? splittable.Rows : splittable.Rows.Select(i => rows[i]).ToArray();
            }
        }
        var labelName = request.Label ?? request.LabelFrom! + (request.FoldCase ? " (case folded)" : "");
        var encoding = ClassEncoding.Of(labels, $"The label {labelName}");
        Directory.CreateDirectory(request.Output);

        var results = new List<ProbeLayerResult>();
        PcaScatter? scatter = null;
        foreach (var hook in hookNames)
        {
            var x = table.ReadMatrix(hook);
            if (x.Rows != table.Rows) throw new BadInputException($"Hook {hook} has {x.Rows} rows but {table.Path} has {table.Rows}; the dataset's files disagree.");
            if (rows is not null && rows.Length != x.Rows) x = x.SelectRows(rows);
            if (x.Rows != labels.Length) throw new BadInputException($"Hook {hook} has {x.Rows} rows but the label column has {labels.Length}; the dataset's files disagree.");
            var result = ProbeExperiment.Run(hook, x, labels, tokens ?? labels, groups, request.Options);
            results.Add(result);
            onLayer?.Invoke(result);
            if (request.SaveProbes)
            {
                var probe = LogisticRegression.Fit(x, encoding.Ids, encoding.Classes, request.Options.Model with { C = result.C });
                var dir = Directory.CreateDirectory(Path.Combine(request.Output, "probes")).FullName;
                new ProbeFile { Hook = hook, Label = labelName, Classifier = probe, Metadata = { ["data"] = table.Path } }.Save(Path.Combine(dir, hook + ".json"));
                File.WriteAllBytes(Path.Combine(dir, hook + ".onnx"), ProbeOnnx.Export(probe, hook));
            }
            if (hook == hookNames[^1]) scatter = PcaScatter.Of(hook, labelName, x, labels);
        }
        WriteParquet(Path.Combine(request.Output, "probe.parquet"), results);
        ResultsFile.Save(request.Output, new Dictionary<string, string>(request.Metadata) { ["data"] = Path.GetFullPath(request.Data) },
            (ProbeSection.Entry, new[] { Sweep(request, labelName, results, derived, splittable) }), (PcaSection.Entry, scatter is null ? [] : new[] { scatter }));
        return results;
    }

    /// <summary>The sweep record results.json keeps: the layers and how labels, the control task and C were set.</summary>
    private static ProbeSweep Sweep(LayerSweepRequest request, string labelName, List<ProbeLayerResult> results, DerivedLabels? derived,
        SplittableClasses? splittable) =>
        new(labelName, [.. results])
        {
            LabelSource = derived?.Source ?? $"the dataset column {request.Label}",
            FoldCase = request.FoldCase,
            SkippedSpecial = derived?.SkippedSpecial ?? 0,
            SkippedEmpty = derived?.SkippedEmpty ?? 0,
            GroupBy = request.GroupBy,
            DroppedClasses = splittable?.Dropped ?? [],
            DroppedRows = splittable?.DroppedRows ?? 0,
            MinGroupsPerClass = splittable is null ? 0 : request.MinGroupsPerClass,
        };

    private static void WriteParquet(string path, List<ProbeLayerResult> results)
    {
        string[] names = ["accuracy", "accuracy_low", "accuracy_high", "macro_f1", "log_loss", "majority", "shuffled", "c"];
        string[] controlNames = ["control", "selectivity", "selectivity_low", "selectivity_high"];
        var fields = new List<ParquetField> { ParquetField.String("hook"), ParquetField.Int64("rows"), ParquetField.Int32("classes") };
        fields.AddRange(names.Select(n => ParquetField.Double(n)));
        fields.AddRange(controlNames.Select(n => ParquetField.Double(n, nullable: true)));
        fields.Add(ParquetField.String("c_selection"));
        fields.Add(ParquetField.String("control_task"));
        using (var w = ParquetWriter.Create(path, fields, new ParquetWriterOptions()))
        {
            w.WriteStrings("hook", results.Select(r => (string?)r.Hook).ToArray());
            w.WriteInt64("rows", results.Select(r => (long)r.Rows).ToArray());
            w.WriteInt32("classes", results.Select(r => r.Classes.Length).ToArray());
            Func<ProbeLayerResult, double>[] columns =
            [
                r => r.Accuracy.Value, r => r.Accuracy.Low, r => r.Accuracy.High, r => r.MacroF1.Value, r => r.LogLoss, r => r.Majority.Value,
                r => r.Shuffled.Value, r => r.C,
            ];
            for (var i = 0; i < names.Length; i++) w.WriteDouble(names[i], results.Select(columns[i]).ToArray());
            // Null where the control task was not applicable (a split that keeps word types apart).
            Func<ProbeLayerResult, double?>[] controls = [r => r.Control?.Value, r => r.Selectivity?.Value, r => r.Selectivity?.Low, r => r.Selectivity?.High];
            var present = results.Select(r => r.Control is not null).ToArray();
            for (var i = 0; i < controlNames.Length; i++) w.WriteDouble(controlNames[i], results.Select(r => controls[i](r) ?? 0).ToArray(), present);
            w.WriteStrings("c_selection", results.Select(r => (string?)r.CSelection).ToArray());
            w.WriteStrings("control_task", results.Select(r => (string?)r.ControlTask).ToArray());
            w.EndBatch();
            w.Finish();
        }
    }
}
