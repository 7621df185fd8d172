using System.CommandLine;
using System.Globalization;
using Analysis.Checkpoints;
using Analysis.Cli.Rendering;
using Analysis.Extraction;
using Analysis.Extraction.Dataset;
using Analysis.Extraction.Sources;
using Analysis.Parquet;
using Analysis.Runtime;

namespace Analysis.Cli.Commands;

/// <summary>`analysis extract`: text in, Parquet activation dataset out (resumable, shardable).</summary>
public static class ExtractCommand
{
    // The library's defaults, read once so that they are written only in ExtractionRequest.
    private static readonly ExtractionRequest Defaults = new() { Model = "", Tokenizer = "", Data = "", Output = "", Hooks = [] };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string[]>("--model") { Description = "The ONNX model file; or a family: several files, or a folder (one dataset per checkpoint under OUT, indexed in OUT/_family.json).", Required = true, AllowMultipleArgumentsPerToken = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin (default: tokenizer.json beside the model)." };
        var data = new Option<string>("--data") { Description = "Input: .jsonl, .csv, .tsv, .txt (one example per line), .parquet, or a folder of .txt files.", Required = true };
        var hooks = new Option<string[]>("--hooks") { Description = "Hook patterns over canonical names, e.g. 'blocks.*.hook_resid_post'.", AllowMultipleArgumentsPerToken = true };
        var tensors = new Option<string[]>("--tensors") { Description = "Raw ONNX tensor names to extract as well.", AllowMultipleArgumentsPerToken = true };
        var hookMap = new Option<string?>("--hook-map") { Description = "A JSON hook map overriding discovery (docs/onnx.md)." };
        var textField = new Option<string>("--text-field") { Description = "The field holding the text.", DefaultValueFactory = _ => Defaults.Source.TextField };
        var spanField = new Option<string?>("--span-field") { Description = "The field marking each example's span: [start, end] code point offsets, \"start:end\", or a substring." };
        var labels = new Option<string[]?>("--labels") { Description = "The fields to pass through as label columns (default: all but the text and span).", AllowMultipleArgumentsPerToken = true };
        var positions = new Option<string>("--positions") { Description = "all | first | last | span | mean-span.", DefaultValueFactory = _ => Defaults.Positions.Name() };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per example at most; longer examples are truncated (and counted).", DefaultValueFactory = _ => Defaults.MaxLength };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => Defaults.BatchSize };
        var dtype = new Option<string>("--dtype") { Description = "float32 | float16: how activations are stored.", DefaultValueFactory = _ => Defaults.Float16 ? "float16" : "float32" };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda[:N].", DefaultValueFactory = _ => Defaults.Device.ToString() };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads (0: one per core).", DefaultValueFactory = _ => Defaults.Threads };
        var output = new Option<string>("--output", "-o", "--out") { Description = "The dataset directory to write (or resume).", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a dataset extracted there with other settings." };
        var shard = new Option<string?>("--shard") { Description = "i/N: extract only shard i of N (default: from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)." };
        var shardCount = new Option<int?>("--shard-count") { Description = "N for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or to override SLURM_ARRAY_TASK_COUNT." };
        var perPart = new Option<int>("--examples-per-part") { Description = "Examples per part file: the unit of resuming and sharding.", DefaultValueFactory = _ => Defaults.ExamplesPerPart };
        // Snappy saves 0% on float32 activations and costs a third of the write time (docs/bench-extraction.md): none by default.
        var compression = new Option<string>("--compression") { Description = "none | snappy | zstd | gzip (activations barely compress; zstd saves ~8%).", DefaultValueFactory = _ => Defaults.Compression == ParquetCompression.Uncompressed ? "none" : Defaults.Compression.ToString().ToLowerInvariant() };
        var command = new Command("extract", "Run a model over a text dataset and write the chosen activations as a Parquet dataset (resumable: rerun the same command to continue).")
        {
            model, tokenizer, data, hooks, tensors, hookMap, textField, spanField, labels, positions, maxLength, batchSize, dtype,
            device, threads, output, overwrite, shard, shardCount, perPart, compression,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var models = parse.GetValue(model)!;
            var modelPath = models[0];
            var family = ModelFamily.IsFamily(models);
            var request = new ExtractionRequest
            {
                Model = modelPath,
                Tokenizer = parse.GetValue(tokenizer) ?? (family ? "" : ModelPath.DefaultTokenizer(modelPath)),
                Data = parse.GetValue(data)!,
                Output = parse.GetValue(output)!,
                Hooks = [.. parse.GetValue(hooks) ?? [], .. parse.GetValue(tensors) ?? []],
                HookMap = parse.GetValue(hookMap),
                Source = new SourceOptions(parse.GetValue(textField)!, parse.GetValue(spanField),
                    parse.GetValue(labels) is { Length: > 0 } chosen ? chosen : null),
                Positions = PositionModes.Parse(parse.GetValue(positions)!),
                MaxLength = parse.GetValue(maxLength),
                BatchSize = parse.GetValue(batchSize),
                Float16 = parse.GetValue(dtype) switch
                {
                    "float32" => false,
                    "float16" => true,
                    var d => throw new UserInputException($"--dtype '{d}' is not float32 or float16."),
                },
                Device = CommandErrors.ParseUserValue(() => Device.Parse(parse.GetValue(device)!)),
                Threads = parse.GetValue(threads),
                Shard = ShardSpec.Resolve(parse.GetValue(shard), parse.GetValue(shardCount), Environment.GetEnvironmentVariable),
                ExamplesPerPart = parse.GetValue(perPart),
                Overwrite = parse.GetValue(overwrite),
                Compression = ParseCompression(parse.GetValue(compression)!),
                CommandLine = ["analysis", .. parse.Tokens.Select(t => t.Value)],
                ForceCollections = true, // peak memory stays at one part's worth (docs/bench-extraction.md)
            };
            if (family)
            {
                var output = parse.InvocationConfiguration.Output;
                var checkpoints = ModelFamily.Resolve(models);
                FamilyExtraction.Run(checkpoints, request, parse.GetValue(tokenizer), (c, r) =>
                {
                    output.WriteLine($"{c.Name} ({c.Model}):");
                    var s = Extract(r, parse.InvocationConfiguration.Error);
                    PrintSummary(s, r, output);
                    return s;
                });
                output.WriteLine($"Family of {checkpoints.Count} datasets: {Path.Combine(request.Output, FamilyDatasets.FileName)}");
                return ExitCodes.Ok;
            }
            var summary = Extract(request, parse.InvocationConfiguration.Error);
            PrintSummary(summary, request, parse.InvocationConfiguration.Output);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Runs an extraction with a progress display on <paramref name="error"/>. Ctrl-C or SIGTERM stops it within the running
    /// forward pass: the part in progress is discarded, completed parts stay recorded, and rerunning resumes.
    /// </summary>
    public static ExtractionSummary Extract(ExtractionRequest request, TextWriter error)
    {
        using var interruption = Interruption.Listen();
        try
        {
            return ProgressDisplay.Run("extract", error, report =>
            {
                var summary = ActivationExtractor.Run(request, new CallbackProgress<ExtractionProgress>(p =>
                {
                    var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-3);
                    report(new ProgressDisplay.Snapshot(p.ExamplesDone, p.ExamplesTotal,
                        string.Create(CultureInfo.InvariantCulture, $"examples, {p.Tokens / seconds:N0} tok/s, {p.BytesWritten / 1e6:N1} MB")));
                }), interruption.Token);
                if (summary.DeviceNote is { } note) error.WriteLine($"analysis: note: {note}");
                if (summary.BranchNote is { } branch) error.WriteLine($"analysis: note: ran the model's no-cache branch ({branch})");
                return summary;
            });
        }
        catch (Exception e) when (interruption.Caused(e))
        {
            throw new InterruptedException(
                $"Stopped by {interruption.Signal}: the part in progress was discarded and the completed parts in '{request.Output}' are kept; run the same command again to resume.", e);
        }
    }

    /// <summary>Prints the closing summary of an extraction.</summary>
    public static void PrintSummary(ExtractionSummary s, ExtractionRequest request, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"Extracted {s.Examples:N0} examples into {s.Rows:N0} rows ({request.Positions.Name()} positions) on {s.Device} in {s.Elapsed.TotalSeconds:N1} s."));
        output.WriteLine(string.Create(inv, $"  tokens {s.Tokens:N0} ({s.TokensPerSecond:N0}/s), truncated examples {s.TruncatedExamples:N0}, written {s.Bytes / 1e6:N1} MB in {s.PartsWritten} part(s), {s.PartsSkipped} already complete"));
        if (s.Shard.Count > 1) output.WriteLine($"  shard {s.Shard}");
        output.WriteLine(s.DatasetComplete
            ? $"  dataset complete: {Path.Combine(s.Output, DatasetDirectory.ManifestFile)}"
            : $"  dataset incomplete: {s.MissingParts.Count} part(s) belong to other shards or are unfinished; the last shard to finish writes the manifest (or run 'analysis dataset merge-manifest {s.Output}')");
    }

    private static ParquetCompression ParseCompression(string text) => text.ToLowerInvariant() switch
    {
        "none" or "uncompressed" => ParquetCompression.Uncompressed,
        "snappy" => ParquetCompression.Snappy,
        "zstd" => ParquetCompression.Zstd,
        "gzip" => ParquetCompression.Gzip,
        _ => throw new UserInputException($"--compression '{text}' is not one of none, snappy, zstd, gzip."),
    };
}
