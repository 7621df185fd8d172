using System.CommandLine;
using System.Globalization;
using Analysis.Extraction;
using Analysis.Extraction.Dataset;

namespace Analysis.Cli.Commands;

/// <summary>`analysis dataset info|merge-manifest DIR`: summarize and validate an activation dataset; reconcile shards.</summary>
public static class DatasetCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var command = new Command("dataset", "Inspect and maintain activation datasets.");
        var dir = new Argument<string>("DIR") { Description = "The dataset directory." };
        var quick = new Option<bool>("--quick") { Description = "Check sizes only, not checksums and Parquet footers." };
        var info = new Command("info", "Summarize a dataset and validate it: every part present, with its recorded size, checksum and row count.") { dir, quick };
        info.SetAction(CommandErrors.Guard(parse =>
        {
            var report = DatasetValidator.Validate(DatasetDirectory.Open(parse.GetValue(dir)!), checksums: !parse.GetValue(quick));
            Print(report, parse.InvocationConfiguration.Output);
            return report.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        var mergeDir = new Argument<string>("DIR") { Description = "The dataset directory." };
        var merge = new Command("merge-manifest", "Write _manifest.json from the shards' progress once every part is complete.") { mergeDir };
        merge.SetAction(CommandErrors.Guard(parse =>
        {
            var result = ManifestMerge.TryComplete(DatasetDirectory.Open(parse.GetValue(mergeDir)!), ActivationExtractor.ToolVersion,
                ["analysis", .. parse.Tokens.Select(t => t.Value)]);
            var output = parse.InvocationConfiguration.Output;
            if (result.Manifest is { } m)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"_manifest.json written: {m.Parts.Count} parts, {m.Rows:N0} rows, {m.Bytes / 1e6:N1} MB."));
                return ExitCodes.Ok;
            }
            output.WriteLine($"Not complete: {result.MissingParts.Count} part(s) missing ({string.Join(", ", result.MissingParts.Take(20))}{(result.MissingParts.Count > 20 ? ", ..." : "")}); rerun the shards that own them.");
            return ExitCodes.Failure;
        }));
        command.Subcommands.Add(info);
        command.Subcommands.Add(merge);
        return command;
    }

    private static void Print(DatasetValidator.Report r, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = r.Settings;
        output.WriteLine($"{r.Path}");
        output.WriteLine($"  model      {s.ModelFile} (sha256 {s.ModelSha256[..12]}…)");
        output.WriteLine($"  source     {s.SourceFile}: {s.SourceRows:N0} examples, text field '{s.TextField}'{(s.SpanField is null ? "" : $", span field '{s.SpanField}'")}");
        output.WriteLine($"  positions  {s.Positions}, max length {s.MaxLength}, {s.DType}");
        foreach (var h in r.Hooks) output.WriteLine($"  hook       {h.Name} [{string.Join("×", h.Shape)}] ← {h.Tensor}");
        if (s.Labels.Count > 0) output.WriteLine($"  labels     {string.Join(", ", s.Labels.Select(l => $"{l.Name} ({l.Type})"))}");
        output.WriteLine(string.Create(inv, $"  parts      {r.PartsComplete}/{r.PartsExpected} complete, {r.Rows:N0} rows, {r.Bytes / 1e6:N1} MB"));
        output.WriteLine(r.Complete ? "  manifest   complete" : "  manifest   absent (dataset incomplete)");
        foreach (var p in r.Problems) output.WriteLine($"  PROBLEM    {p}");
        output.WriteLine(r.Problems.Count == 0 ? "valid" : $"INVALID: {r.Problems.Count} problem(s)");
    }
}
