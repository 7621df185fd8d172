using System.CommandLine;
using System.Globalization;
using Analysis.Cli.Rendering;
using Analysis.Extraction;
using Analysis.Lens;
using Analysis.Runtime;

namespace Analysis.Cli.Commands;

/// <summary>`analysis lens`: the logit lens: each layer's residual stream read through the model's own final norm and unembedding.</summary>
public static class LensCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The ONNX model.", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin (default: tokenizer.json beside the model)." };
        var data = new Option<string>("--data") { Description = "Input texts: .jsonl, .csv, .tsv, .txt (one per line), .parquet, or a folder of .txt files.", Required = true };
        var textField = new Option<string>("--text-field") { Description = "The field holding the text.", DefaultValueFactory = _ => "text" };
        var hooks = new Option<string[]>("--hooks") { Description = "Residual-stream hooks to read (globs); the last block's is always added.", DefaultValueFactory = _ => ["blocks.*.hook_resid_post"], AllowMultipleArgumentsPerToken = true };
        var hookMap = new Option<string?>("--hook-map") { Description = "A hook map file overriding discovery." };
        var topK = new Option<int>("--top-k") { Description = "Most likely tokens kept per token and layer.", DefaultValueFactory = _ => 5 };
        var tokenSets = new Option<string?>("--token-sets") { Description = "JSON file: set name → list of token strings or {\"regex\": …} (latent language)." };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per example at most.", DefaultValueFactory = _ => 512 };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per forward pass.", DefaultValueFactory = _ => 8 };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda[:N].", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime threads (0: one per core).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (lens.parquet, lens.json, results.json).", Required = true };
        var command = new Command("lens", "Logit lens: which tokens each layer predicts, through the model's own final norm and unembedding.")
        {
            model, tokenizer, data, textField, hooks, hookMap, topK, tokenSets, maxLength, batchSize, device, threads, output,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var modelPath = ModelPath.File(parse.GetValue(model)!);
            var request = new LensRequest
            {
                Lens = new LensOptions
                {
                    Model = modelPath, Tokenizer = parse.GetValue(tokenizer) ?? ModelPath.DefaultTokenizer(modelPath),
                    Hooks = parse.GetValue(hooks)!, HookMap = parse.GetValue(hookMap), TopK = parse.GetValue(topK),
                    TokenSets = parse.GetValue(tokenSets), MaxLength = parse.GetValue(maxLength), BatchSize = parse.GetValue(batchSize),
                    Device = Device.Parse(parse.GetValue(device)!), Threads = parse.GetValue(threads),
                },
                Data = parse.GetValue(data)!, TextField = parse.GetValue(textField)!, Output = parse.GetValue(output)!,
                Metadata = ProbeCommand.RunMetadata(parse, parse.GetValue(data)!),
            };
            var error = parse.InvocationConfiguration.Error;
            var result = ProgressDisplay.Run("lens", error, report =>
                LensRun.Run(request, (done, total) => report(new ProgressDisplay.Snapshot(done, total, "examples"))));
            var log = parse.InvocationConfiguration.Output;
            var inv = CultureInfo.InvariantCulture;
            log.WriteLine(string.Create(inv, $"Logit lens over {result.Examples:N0} examples ({result.Tokens:N0} tokens), finish {result.Finish}:"));
            log.WriteLine("  hook                          top1_accuracy  kl_to_final  entropy");
            foreach (var l in result.Layers)
                log.WriteLine(string.Create(inv, $"  {l.Hook,-28} {l.Top1Accuracy,14:F4} {l.KlToFinal,12:F4} {l.Entropy,8:F4}"));
            log.WriteLine($"Wrote {Path.Combine(request.Output, LensRun.TokensFile)}, {Path.Combine(request.Output, LensRun.LayersFile)} and results.json (analysis report {request.Output}).");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
