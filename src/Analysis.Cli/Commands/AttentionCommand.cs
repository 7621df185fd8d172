using System.CommandLine;
using System.Globalization;
using Analysis.Attention;
using Analysis.Cli.Rendering;
using Analysis.Extraction;
using Analysis.Runtime;

namespace Analysis.Cli.Commands;

/// <summary>`analysis attention`: per layer and head, sink / previous / self mass, entropy and dormancy, computed inside the graph.</summary>
public static class AttentionCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The ONNX model.", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin (default: tokenizer.json beside the model)." };
        var data = new Option<string>("--data") { Description = "Input texts: .jsonl, .csv, .tsv, .txt (one per line), .parquet, or a folder of .txt files.", Required = true };
        var textField = new Option<string>("--text-field") { Description = "The field holding the text.", DefaultValueFactory = _ => "text" };
        var hooks = new Option<string[]>("--hooks") { Description = "Attention pattern hooks to read (globs).", DefaultValueFactory = _ => ["blocks.*.attn.hook_pattern"], AllowMultipleArgumentsPerToken = true };
        var hookMap = new Option<string?>("--hook-map") { Description = "A hook map file overriding discovery." };
        var threshold = new Option<double>("--dormant-threshold") { Description = "Sink mass above which a head is dormant on an example.", DefaultValueFactory = _ => 0.9 };
        var viewer = new Option<int>("--viewer-examples") { Description = "Examples whose full patterns the report's viewer shows (first 32 tokens).", DefaultValueFactory = _ => 3 };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per example at most.", DefaultValueFactory = _ => 512 };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 8 };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda[:N].", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads (0: one per core).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (heads.parquet, heads.json, results.json).", Required = true };
        var command = new Command("attention", "Attention structure: sink, previous-token and self mass, entropy and dormant heads, computed inside the graph.")
        {
            model, tokenizer, data, textField, hooks, hookMap, threshold, viewer, maxLength, batchSize, device, threads, output,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var modelPath = ModelPath.File(parse.GetValue(model)!);
            var request = new AttentionRequest
            {
                Attention = new AttentionOptions
                {
                    Model = modelPath, Tokenizer = parse.GetValue(tokenizer) ?? ModelPath.DefaultTokenizer(modelPath),
                    Hooks = parse.GetValue(hooks)!, HookMap = parse.GetValue(hookMap), DormantThreshold = parse.GetValue(threshold),
                    ViewerExamples = parse.GetValue(viewer), MaxLength = parse.GetValue(maxLength), BatchSize = parse.GetValue(batchSize),
                    Device = Device.Parse(parse.GetValue(device)!), Threads = parse.GetValue(threads),
                },
                Data = parse.GetValue(data)!, TextField = parse.GetValue(textField)!, Output = parse.GetValue(output)!,
                Metadata = ProbeCommand.RunMetadata(parse, parse.GetValue(data)!),
            };
            var error = parse.InvocationConfiguration.Error;
            var result = ProgressDisplay.Run("attention", error, report =>
                AttentionRun.Run(request, (done, total) => report(new ProgressDisplay.Snapshot(done, total, "examples"))));
            foreach (var u in result.Unavailable) error.WriteLine($"analysis: note: {u.Hook} is unavailable: {u.Reason}");
            var log = parse.InvocationConfiguration.Output;
            var inv = CultureInfo.InvariantCulture;
            log.WriteLine(string.Create(inv, $"Attention over {result.Examples:N0} examples ({result.Queries:N0} query tokens); dormant threshold {result.DormantThreshold}:"));
            log.WriteLine("  layer head   sink    prev    self    rest  entropy  dormant");
            foreach (var h in result.Heads)
                log.WriteLine(string.Create(inv, $"  {h.Layer,5} {h.Head,4} {h.SinkMass,6:F3} {h.PrevTokenMass,7:F3} {h.SelfMass,7:F3} {h.RestMass,7:F3} {h.Entropy,8:F3} {h.DormantShare,8:F2} {h.Classification}"));
            log.WriteLine($"Wrote {Path.Combine(request.Output, AttentionRun.HeadsParquet)}, {Path.Combine(request.Output, AttentionRun.HeadsJson)} and results.json (analysis report {request.Output}).");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
