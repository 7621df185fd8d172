using System.CommandLine;
using System.Globalization;
using Analysis.Extraction;
using Analysis.Interventions;

namespace Analysis.Cli.Commands;

/// <summary>`analysis patch`: activation patching from clean into corrupted prompts over hooks × positions.</summary>
public static class PatchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The ONNX model.", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json (default: beside the model)." };
        var pairs = new Option<string>("--pairs") { Description = ".jsonl with one {\"clean\", \"corrupted\", \"answer\", \"wrong\"} object per line; all prompts of one token length.", Required = true };
        var hooks = new Option<string[]>("--hooks") { Description = "Hooks to sweep, one per layer (default: blocks.*.hook_resid_pre).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output directory (results.json with the heatmap's values; 'analysis report' draws it).", Required = true };
        var command = new Command("patch", "Activation patching: which hook at which position restores the clean answer's logit difference.") { model, tokenizer, pairs, hooks, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var modelPath = ModelPath.File(parse.GetValue(model)!);
            var patterns = parse.GetValue(hooks) is { Length: > 0 } h ? h : ["blocks.*.hook_resid_pre"];
            var result = PatchingSweep.Run(new PatchingRequest
            {
                Model = modelPath, Tokenizer = parse.GetValue(tokenizer) ?? ModelPath.DefaultTokenizer(modelPath),
                Pairs = PatchPair.Read(parse.GetValue(pairs)!), Hooks = patterns, Output = parse.GetValue(output),
                Metadata = GenerateCommand.RunMetadata(parse, modelPath),
            }, hook => log.WriteLine($"  patched {hook}"));
            var inv = CultureInfo.InvariantCulture;
            log.WriteLine(string.Create(inv, $"{result.Pairs} pair(s); {result.Metric}: clean {result.CleanMetric:0.###}, corrupted {result.CorruptedMetric:0.###}. Fraction restored:"));
            log.WriteLine($"{"hook",-28} " + string.Join(" ", Enumerable.Range(0, result.Positions.Length).Select(t => $"{t,6}")));
            for (var i = 0; i < result.Hooks.Length; i++)
                log.WriteLine($"{result.Hooks[i],-28} " + string.Join(" ", result.Restored[i].Select(v => string.Create(inv, $"{v,6:0.00}"))));
            log.WriteLine("positions: " + string.Join(", ", result.Positions));
            log.WriteLine($"Results: {Path.Combine(parse.GetValue(output)!, Analysis.Results.ResultsFile.FileName)} (draw the heatmap with 'analysis report')");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
