using System.CommandLine;
using System.Globalization;
using Analysis.Extraction;
using Analysis.Interventions;

namespace Analysis.Cli.Commands;

/// <summary>`analysis ablate`: zero-, mean- or resample-ablate hooks, heads, neurons or SAE features; ΔCE, KL and target tokens per unit.</summary>
public static class AblateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The ONNX model.", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json (default: beside the model)." };
        var prompt = new Option<string[]>("--prompt") { Description = "A text to measure the loss on (repeat for more)." };
        var data = new Option<string?>("--data") { Description = "Texts from a file: one per line (.txt) or the \"text\" field of each line (.jsonl)." };
        var maxSequences = new Option<int>("--max-sequences") { Description = "Texts from --data at most.", DefaultValueFactory = _ => 64 };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per text at most.", DefaultValueFactory = _ => 128 };
        var hook = new Option<string[]>("--hook") { Description = "A whole hook to ablate (a name or pattern such as 'blocks.*.hook_mlp_out'; repeat for more)." };
        var heads = new Option<string?>("--heads") { Description = "Attention heads, one at a time: all, layers (2,3) or layer.head (2.5,3.1); 'all' draws a layer × head ΔCE heatmap." };
        var neurons = new Option<string[]>("--neurons") { Description = "Channels one at a time, HOOK:N[,M…] (e.g. blocks.1.mlp.hook_post:17,40)." };
        var sae = new Option<string?>("--sae") { Description = "An SAE folder ('analysis sae train'); its --feature latents are ablated through the spliced SAE, error term kept." };
        var feature = new Option<string?>("--feature") { Description = "SAE features one at a time, N[,M…]." };
        var saeHook = new Option<string?>("--sae-hook") { Description = "The hook to splice the SAE in at (default: the SAE's own hook)." };
        var mode = new Option<string>("--mode") { Description = "zero, mean (per channel or feature, from --mean-data or the evaluated tokens) or resample (another text's activations).", DefaultValueFactory = _ => "zero" };
        var meanData = new Option<string?>("--mean-data") { Description = "An activation dataset ('analysis extract') holding the hook, for --mode mean." };
        var target = new Option<string[]>("--target") { Description = "Tokens whose logit and probability at each text's last position to report." };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per batch.", DefaultValueFactory = _ => 16 };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output directory (ablate.json, results.json; 'analysis report' draws them).", Required = true };
        var command = new Command("ablate", "Ablate hooks, attention heads, neurons or SAE features one at a time: next-token loss, KL and target tokens against the clean model.")
            { model, tokenizer, prompt, data, maxSequences, maxLength, hook, heads, neurons, sae, feature, saeHook, mode, meanData, target, batchSize, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var modelPath = ModelPath.File(parse.GetValue(model)!);
            var texts = (parse.GetValue(prompt) ?? []).ToList();
            if (parse.GetValue(data) is { } file) texts.AddRange(PromptFile.Read(file).Take(parse.GetValue(maxSequences)));
            var kind = parse.GetValue(mode) switch
            {
                "zero" => AblationKind.Zero,
                "mean" => AblationKind.Mean,
                "resample" => AblationKind.Resample,
                var other => throw new UserInputException($"--mode '{other}' is not one of zero, mean, resample."),
            };
            var last = 0;
            var result = AblationSweep.Run(new AblationRequest
            {
                Model = modelPath, Tokenizer = parse.GetValue(tokenizer) ?? ModelPath.DefaultTokenizer(modelPath), Texts = texts,
                Hooks = parse.GetValue(hook) ?? [], Heads = parse.GetValue(heads), Neurons = parse.GetValue(neurons) ?? [],
                Sae = parse.GetValue(sae), Features = parse.GetValue(feature), SaeHook = parse.GetValue(saeHook), Kind = kind,
                MeanData = parse.GetValue(meanData), Targets = parse.GetValue(target) ?? [], MaxLength = parse.GetValue(maxLength),
                BatchSize = parse.GetValue(batchSize), Output = parse.GetValue(output), Metadata = GenerateCommand.RunMetadata(parse, modelPath),
            }, (done, total) =>
            {
                // A line every tenth of the way (plain lines: this runs as often in pipes as in terminals).
                if (done * 10 / total == last && done != total) return;
                last = done * 10 / total;
                log.WriteLine($"  {done}/{total} forward passes");
            });
            var inv = CultureInfo.InvariantCulture;
            log.WriteLine(string.Create(inv, $"{result.Sequences} text(s), {result.Tokens} predicted tokens; clean loss {result.CeLossClean:0.0000} nats/token; {result.Kind} ablation:"));
            log.WriteLine($"{"unit",-32} {"CE",8} {"ΔCE",8} {"KL",8}  targets p (Δlogit)");
            foreach (var u in result.Units)
                log.WriteLine(string.Create(inv, $"{u.Label,-32} {u.CeLoss,8:0.0000} {Math.Round(u.DeltaCe, 4) + 0.0,8:+0.0000;-0.0000;0.0000} {u.Kl,8:0.0000}  ")
                    + string.Join("  ", u.Targets.Select(t => string.Create(inv, $"{t.Token} {t.Probability:0.000} ({Math.Round(t.LogitChange, 2) + 0.0:+0.00;-0.00;0.00})"))));
            log.WriteLine($"Results: {Path.Combine(parse.GetValue(output)!, AblationSweep.File)} and {Analysis.Results.ResultsFile.FileName} (draw them with 'analysis report')");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
