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
        var defaults = new LayerSweepRequest { Data = "", Output = "" }; // the defaults are written once, in the library
        var data = new Option<string>("--data") { Description = "Activation dataset directory (or a Parquet file with float-list columns).", Required = true };
        var hooks = new Option<string>("--hooks") { Description = "Hook columns to probe, glob patterns, comma-separated (e.g. 'blocks.*.hook_resid_post').", DefaultValueFactory = _ => defaults.Hooks };
        var label = new Option<string?>("--label") { Description = "Label column to predict." };
        var labelFrom = new Option<string?>("--label-from") { Description = "Derive the label from the token's span of the source text: token:first-char, token:last-char, token:char@K, token:length, token:is-digit, token:is-alpha, token:is-upper." };
        var foldCase = new Option<bool>("--fold-case") { Description = "Lower-case the token's text before deriving its label (--label-from)." };
        var minGroups = new Option<int>("--min-class-groups") { Description = "With --group-by, drop classes whose rows span fewer groups than this (they cannot be both trained and tested; 0 keeps all).", DefaultValueFactory = _ => defaults.MinGroupsPerClass };
        var keepSpecial = new Option<bool>("--keep-special") { Description = "Keep special tokens ([CLS], BOS) and empty spans when deriving labels; they are skipped by default." };
        var tokenColumn = new Option<string>("--token-column") { Description = "Column with the token text (word types for the control task, and --label-from).", DefaultValueFactory = _ => defaults.TokenColumn };
        var groupBy = new Option<string?>("--group-by") { Description = "Keep each value of this column on one side of the split (e.g. token or example_id)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; one split and fit per seed.", DefaultValueFactory = _ => string.Join(",", defaults.Options.Seeds) };
        var c = new Option<double?>("--c", "--C") { Description = "Fix the inverse L2 strength (sklearn's C) instead of choosing it on the validation split." };
        var cGrid = new Option<string?>("--c-grid") { Description = "Candidate C values, comma-separated; the one with the lowest validation log-loss is used (default " + string.Join(",", defaults.Options.CGrid) + ")." };
        var balanced = new Option<bool>("--balanced") { Description = "Class weights n / (classes · count), as sklearn's class_weight='balanced'." };
        var standardize = new Option<bool>("--standardize") { Description = "Standardize features before fitting." };
        var maxIter = new Option<int>("--max-iter") { Description = "L-BFGS iterations at most (sklearn's max_iter).", DefaultValueFactory = _ => defaults.Options.Model.MaxIterations };
        var save = new Option<bool>("--save-probes") { Description = "Also fit each hook's probe on all rows and save it as JSON and ONNX under OUT/probes." };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output directory (results.json, probe.parquet).", Required = true };
        var command = new Command("probe", "Train a linear probe per hook with majority, shuffled-label and control-task baselines.")
            { data, hooks, label, labelFrom, foldCase, keepSpecial, minGroups, tokenColumn, groupBy, seeds, c, cGrid, balanced, standardize, maxIter, save, output };
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
                FoldCase = parse.GetValue(foldCase),
                KeepSpecial = parse.GetValue(keepSpecial),
                MinGroupsPerClass = parse.GetValue(minGroups) is >= 0 and var mg ? mg : throw new UserInputException("--min-class-groups must be 0 or more."),
                Options = new ProbeOptions
                {
                    Seeds = ParseSeeds(parse.GetValue(seeds)!),
                    CGrid = parse.GetValue(c) is not null
                        ? (parse.GetValue(cGrid) is null ? [] : throw new UserInputException("Give either --c (a fixed C) or --c-grid (C chosen on the validation split), not both."))
                        : parse.GetValue(cGrid) is { } grid ? ParseGrid(grid) : defaults.Options.CGrid,
                    Model = new LogisticRegressionOptions
                    {
                        C = parse.GetValue(c) is { } fixedC ? (fixedC > 0 ? fixedC : throw new UserInputException($"--c must be positive (got {fixedC}).")) : defaults.Options.Model.C,
                        BalancedClassWeights = parse.GetValue(balanced), Standardize = parse.GetValue(standardize),
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
                    $"{c.Name,-24} {r.Hook,-32} accuracy {r.Accuracy.Value:0.000}  selectivity {(r.Selectivity is { } sel ? sel.Value.ToString("0.000", CultureInfo.InvariantCulture) : "n/a")}")));
                log.WriteLine($"Wrote {Path.Combine(request.Output, ResultsFile.FileName)} (layer × checkpoint) and one folder per checkpoint.");
                return ExitCodes.Ok;
            }
            Sweep(request, log);
            log.WriteLine($"Wrote {Path.Combine(request.Output, ResultsFile.FileName)} and probe.parquet.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Runs a layer sweep, printing one table row per hook as it finishes and then how labels, C and the control task were set.</summary>
    public static IReadOnlyList<ProbeLayerResult> Sweep(LayerSweepRequest request, TextWriter log)
    {
        log.WriteLine($"{"hook",-36} {"accuracy [95% CI]",-24} {"control",8} {"selectivity",12} {"majority",9} {"shuffled",9} {"C",6}");
        static string Opt(Estimate? e, int width) => e is { } v ? v.Value.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(width) : "n/a".PadLeft(width);
        var results = LayerSweep.Run(request, r => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Hook,-36} {r.Accuracy.Value:0.000} [{r.Accuracy.Low:0.000}, {r.Accuracy.High:0.000}]   {Opt(r.Control, 8)} {Opt(r.Selectivity, 12)} {r.Majority.Value,9:0.000} {r.Shuffled.Value,9:0.000} {ProbeSection.CValue(r),6}")));
        var sweep = ResultsFile.TryLoad(request.Output)?.Get<ProbeSweep[]>(ProbeSection.Entry)?.FirstOrDefault();
        if (results.Count > 0)
        {
            log.WriteLine($"C:            {(results[0].CSelection == "fixed" ? "fixed" : "chosen by " + results[0].CSelection)}");
            log.WriteLine($"Control task: {results[0].ControlTask}");
        }
        if (sweep is { LabelSource.Length: > 0 } && request.LabelFrom is not null)
            log.WriteLine($"Labels:       from {sweep.LabelSource}{(sweep.FoldCase ? ", case folded" : "")}; skipped {sweep.SkippedSpecial} special tokens and {sweep.SkippedEmpty} empty or whitespace-only spans");
        if (sweep is not null && ProbeSection.DroppedText(sweep) is { } dropped) log.WriteLine($"Classes:      {dropped}");
        return results;
    }

    internal static double[] ParseGrid(string text)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v
                : throw new UserInputException($"--c-grid '{text}' must be a comma-separated list of positive numbers.")).ToArray();
        return values.Length > 0 ? values : throw new UserInputException("--c-grid needs at least one value.");
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
