using System.CommandLine;
using System.Globalization;
using Analysis.Decomposition;
using Analysis.Parquet;
using Analysis.Probing;
using Analysis.Reports;

namespace Analysis.Cli.Commands;

/// <summary>`analysis probe`: a layer sweep of linear probes with baselines; results as JSON, Parquet and a table.</summary>
public static class ProbeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Activation dataset directory (or a Parquet file with float-list columns).", Required = true };
        var hooks = new Option<string>("--hooks") { Description = "Hook columns to probe, glob patterns, comma-separated (e.g. 'blocks.*.hook_resid_post').", DefaultValueFactory = _ => "*" };
        var label = new Option<string?>("--label") { Description = "Label column to predict." };
        var labelFrom = new Option<string?>("--label-from") { Description = "Derive the label from the token: token:first-char, token:last-char, token:char@K, token:length, token:is-digit, token:is-alpha, token:is-upper." };
        var tokenColumn = new Option<string>("--token-column") { Description = "Column with the token text (word types for the control task, and --label-from).", DefaultValueFactory = _ => "token" };
        var groupBy = new Option<string?>("--group-by") { Description = "Keep each value of this column on one side of the split (e.g. token or example_id)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; one split and fit per seed.", DefaultValueFactory = _ => "0,1,2" };
        var c = new Option<double>("--C") { Description = "Inverse L2 strength (sklearn's C).", DefaultValueFactory = _ => 1.0 };
        var balanced = new Option<bool>("--balanced") { Description = "Class weights n / (classes · count), as sklearn's class_weight='balanced'." };
        var standardize = new Option<bool>("--standardize") { Description = "Standardize features before fitting." };
        var save = new Option<bool>("--save-probes") { Description = "Also fit each hook's probe on all rows and save it as JSON and ONNX under OUT/probes." };
        var output = new Option<string>("--out") { Description = "Output directory (results.json, probe.parquet).", Required = true };
        var command = new Command("probe", "Train a linear probe per hook with majority, shuffled-label and control-task baselines.")
            { data, hooks, label, labelFrom, tokenColumn, groupBy, seeds, c, balanced, standardize, save, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var (labelColumn, derive) = (parse.GetValue(label), parse.GetValue(labelFrom));
            if ((labelColumn is null) == (derive is null)) throw new UserInputException("Give exactly one of --label COLUMN or --label-from token:…");
            var seedList = ParseSeeds(parse.GetValue(seeds)!);
            using var table = ActivationTable.Open(parse.GetValue(data)!);
            var hookNames = table.MatchHooks(parse.GetValue(hooks)!);
            var tokens = table.Columns.Contains(parse.GetValue(tokenColumn)!) ? table.ReadStrings(parse.GetValue(tokenColumn)!) : null;
            string[] labels;
            if (derive is not null)
            {
                var rule = TokenLabel.Parse(derive);
                labels = (tokens ?? throw new ArgumentException($"--label-from needs the token column '{parse.GetValue(tokenColumn)}', which {table.Path} does not have; pass --token-column."))
                    .Select(rule.Of).ToArray();
            }
            else labels = table.ReadStrings(labelColumn!);
            var encoding = ClassEncoding.Of(labels, $"The label {labelColumn ?? derive}");
            var groups = parse.GetValue(groupBy) is { } g ? table.ReadStrings(g) : null;
            var options = new ProbeOptions
            {
                Seeds = seedList,
                Model = new LogisticRegressionOptions { C = parse.GetValue(c), BalancedClassWeights = parse.GetValue(balanced), Standardize = parse.GetValue(standardize) },
            };
            var outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            var results = new List<ProbeLayerResult>();
            PcaScatter? scatter = null;
            log.WriteLine($"{"hook",-36} {"accuracy [95% CI]",-24} {"control",8} {"selectivity",12} {"majority",9} {"shuffled",9}");
            foreach (var hook in hookNames)
            {
                var x = table.ReadMatrix(hook);
                if (x.Rows != labels.Length) throw new InvalidDataException($"Hook {hook} has {x.Rows} rows but the label column has {labels.Length}; the dataset's files disagree.");
                var r = ProbeExperiment.Run(hook, x, labels, tokens ?? labels, groups, options);
                results.Add(r);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{hook,-36} {r.Accuracy.Value:0.000} [{r.Accuracy.Low:0.000}, {r.Accuracy.High:0.000}]   {r.Control.Value,8:0.000} {r.Selectivity.Value,12:0.000} {r.Majority.Value,9:0.000} {r.Shuffled.Value,9:0.000}"));
                if (parse.GetValue(save))
                {
                    var probe = LogisticRegression.Fit(x, encoding.Ids, encoding.Classes, options.Model);
                    var dir = Directory.CreateDirectory(Path.Combine(outDir, "probes")).FullName;
                    new ProbeFile { Hook = hook, Label = labelColumn ?? derive!, Classifier = probe, Metadata = { ["data"] = table.Path } }.Save(Path.Combine(dir, hook + ".json"));
                    File.WriteAllBytes(Path.Combine(dir, hook + ".onnx"), ProbeOnnx.Export(probe, hook));
                }
                if (hook == hookNames[^1]) scatter = PcaScatter.Of(hook, labelColumn ?? derive!, x, labels);
            }
            WriteParquet(Path.Combine(outDir, "probe.parquet"), results);
            new AnalysisResults
            {
                Metadata = RunMetadata(parse, table.Path),
                Probes = [new ProbeSweep(labelColumn ?? derive!, [.. results])],
                Scatters = scatter is null ? [] : [scatter],
            }.Save(outDir);
            log.WriteLine($"Wrote {Path.Combine(outDir, AnalysisResults.FileName)} and probe.parquet.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static int[] ParseSeeds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var seeds = parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
            : throw new UserInputException($"--seeds '{text}' is not a comma-separated list of integers.")).ToArray();
        return seeds.Length > 0 ? seeds : throw new UserInputException("--seeds needs at least one seed.");
    }

    internal static Dictionary<string, string> RunMetadata(ParseResult parse, string data) => new()
    {
        ["data"] = Path.GetFullPath(data),
        ["command"] = "analysis " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
        ["finished"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
        ["tool version"] = typeof(ProbeCommand).Assembly.GetName().Version?.ToString() ?? "",
    };

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
