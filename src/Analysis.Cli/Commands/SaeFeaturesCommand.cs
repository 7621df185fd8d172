using System.CommandLine;
using System.Globalization;
using Analysis.Cli.Rendering;
using Analysis.Sae;

namespace Analysis.Cli.Commands;

/// <summary>`analysis sae features`: a dashboard of what each SAE feature responds to and promotes.</summary>
public static class SaeFeaturesCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (sae_weights.safetensors + cfg.json).", Required = true };
        var model = new Option<string>("--model") { Description = "The model the SAE was trained on (model.onnx or its folder).", Required = true };
        var data = new Option<string>("--data") { Description = "Text to run: .jsonl/.txt/.csv/.parquet, as extract takes.", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json or its folder (default: the model's folder)." };
        var hookMap = new Option<string?>("--hook-map") { Description = "Hook map file overriding hook discovery." };
        var textField = new Option<string>("--text-field") { Description = "Text field of structured data.", DefaultValueFactory = _ => "text" };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per text (longer texts are truncated).", DefaultValueFactory = _ => 128 };
        var maxSequences = new Option<int>("--max-sequences") { Description = "Read at most this many texts.", DefaultValueFactory = _ => int.MaxValue };
        var top = new Option<int>("--top") { Description = "Top-activating tokens kept per feature.", DefaultValueFactory = _ => 10 };
        var bins = new Option<int>("--quantile-bins") { Description = "Quantile bins of each feature's nonzero activations.", DefaultValueFactory = _ => 5 };
        var perBin = new Option<int>("--per-bin") { Description = "Samples shown per quantile bin.", DefaultValueFactory = _ => 2 };
        var left = new Option<int>("--context-before") { Description = "Tokens shown before the highlighted one.", DefaultValueFactory = _ => 8 };
        var right = new Option<int>("--context-after") { Description = "Tokens shown after the highlighted one.", DefaultValueFactory = _ => 3 };
        var logitTokens = new Option<int>("--logit-tokens") { Description = "Top and bottom logit-effect tokens kept per feature.", DefaultValueFactory = _ => 10 };
        var features = new Option<string?>("--features") { Description = "Features to analyse, e.g. 0-99,200 (default: all)." };
        var batch = new Option<int>("--batch-size") { Description = "Texts per forward pass.", DefaultValueFactory = _ => 16 };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (features.html, features.parquet, contexts.parquet, results.json).", Required = true };
        var command = new Command("features", "Feature dashboards: top-activating contexts, quantile samples, density, activation histogram and logit effect of each SAE feature.")
            { sae, model, data, tokenizer, hookMap, textField, maxLength, maxSequences, top, bins, perBin, left, right, logitTokens, features, batch, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var request = new FeatureDashboardRequest
            {
                Sae = parse.GetValue(sae)!, Model = parse.GetValue(model)!, Data = parse.GetValue(data)!, Output = parse.GetValue(output)!,
                Tokenizer = parse.GetValue(tokenizer), HookMap = parse.GetValue(hookMap), TextField = parse.GetValue(textField)!,
                MaxLength = parse.GetValue(maxLength), MaxSequences = parse.GetValue(maxSequences), Top = parse.GetValue(top),
                QuantileBins = parse.GetValue(bins), PerBin = parse.GetValue(perBin), Left = parse.GetValue(left), Right = parse.GetValue(right),
                LogitTokens = parse.GetValue(logitTokens), Features = parse.GetValue(features), BatchSize = parse.GetValue(batch),
            };
            var r = ProgressDisplay.Run("sae features", parse.InvocationConfiguration.Error, report =>
                FeatureDashboard.Run(request, (done, total) => report(new ProgressDisplay.Snapshot(done, total, "texts"))));
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Hook}: {r.Features:N0} features on {r.Tokens:N0} tokens ({r.Sequences:N0} texts), {r.Dead:N0} never fired; logit effect {r.LogitEffect}; {r.Seconds:0.0} s → {Path.Combine(request.Output, r.Dashboard)} ({r.DashboardBytes / 1e6:0.0} MB), {r.FeaturesTable}, {r.ContextsTable}"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
