using System.CommandLine;
using System.Globalization;
using Analysis.Checkpoints;
using Analysis.Probing;
using Analysis.Results;

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
        var maxIter = new Option<int>("--max-iter") { Description = "L-BFGS iterations at most (sklearn's max_iter).", DefaultValueFactory = _ => 1000 };
        var save = new Option<bool>("--save-probes") { Description = "Also fit each hook's probe on all rows and save it as JSON and ONNX under OUT/probes." };
        var output = new Option<string>("--out") { Description = "Output directory (results.json, probe.parquet).", Required = true };
        var command = new Command("probe", "Train a linear probe per hook with majority, shuffled-label and control-task baselines.")
            { data, hooks, label, labelFrom, tokenColumn, groupBy, seeds, c, balanced, standardize, maxIter, save, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var request = new LayerSweepRequest
            {
                Data = parse.GetValue(data)!,
                Hooks = parse.GetValue(hooks)!,
                Label = parse.GetValue(label),
                LabelFrom = parse.GetValue(labelFrom),
                TokenColumn = parse.GetValue(tokenColumn)!,
                GroupBy = parse.GetValue(groupBy),
                Options = new ProbeOptions
                {
                    Seeds = ParseSeeds(parse.GetValue(seeds)!),
                    Model = new LogisticRegressionOptions
                    {
                        C = parse.GetValue(c), BalancedClassWeights = parse.GetValue(balanced), Standardize = parse.GetValue(standardize),
                        MaxIterations = parse.GetValue(maxIter) is > 0 and var m ? m : throw new UserInputException("--max-iter must be at least 1."),
                    },
                },
                SaveProbes = parse.GetValue(save),
                Output = parse.GetValue(output)!,
                Metadata = RunMetadata(parse, parse.GetValue(data)!),
            };
            if (FamilyDatasets.IsFamily(request.Data))
            {
                // A family folder (analysis extract with several models): the same sweep on every checkpoint.
                var sweep = CheckpointSweep.Run(request, (c, r) => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Name,-24} {r.Hook,-32} accuracy {r.Accuracy.Value:0.000}  selectivity {r.Selectivity.Value:0.000}")));
                log.WriteLine($"Wrote {Path.Combine(request.Output, ResultsFile.FileName)} (layer × checkpoint) and one folder per checkpoint.");
                return ExitCodes.Ok;
            }
            Sweep(request, log);
            log.WriteLine($"Wrote {Path.Combine(request.Output, ResultsFile.FileName)} and probe.parquet.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Runs a layer sweep, printing one table row per hook as it finishes.</summary>
    public static IReadOnlyList<ProbeLayerResult> Sweep(LayerSweepRequest request, TextWriter log)
    {
        log.WriteLine($"{"hook",-36} {"accuracy [95% CI]",-24} {"control",8} {"selectivity",12} {"majority",9} {"shuffled",9}");
        return LayerSweep.Run(request, r => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Hook,-36} {r.Accuracy.Value:0.000} [{r.Accuracy.Low:0.000}, {r.Accuracy.High:0.000}]   {r.Control.Value,8:0.000} {r.Selectivity.Value,12:0.000} {r.Majority.Value,9:0.000} {r.Shuffled.Value,9:0.000}")));
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
}
