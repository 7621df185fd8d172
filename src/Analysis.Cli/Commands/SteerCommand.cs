using System.CommandLine;
using System.Globalization;
using Analysis.Extraction;
using Analysis.Interventions;

namespace Analysis.Cli.Commands;

/// <summary>`analysis steer`: add α·direction at a hook; next-token logits and target probabilities before and after, per α.</summary>
public static class SteerCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The ONNX model.", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json (default: beside the model)." };
        var prompt = new Option<string[]>("--prompt") { Description = "A prompt (repeat for more).", AllowMultipleArgumentsPerToken = false };
        var data = new Option<string?>("--data") { Description = "Prompts from a file: one per line (.txt) or the \"text\" field of each line (.jsonl)." };
        var hook = new Option<string?>("--hook") { Description = "The hook to steer (default: the direction's hook)." };
        var direction = new Option<string>("--direction") { Description = "A direction file from 'analysis direction'.", Required = true };
        var alpha = new Option<string>("--alpha") { Description = "Comma-separated multiples of the direction, e.g. 1,2,4,-2.", Required = true };
        var target = new Option<string[]>("--target") { Description = "Tokens whose probabilities to report (default: the clean run's top tokens)." };
        var lastOnly = new Option<bool>("--last-only") { Description = "Steer only the last position (default: every position)." };
        var top = new Option<int>("--top") { Description = "How many most likely tokens to list.", DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output directory (results.json).", Required = true };
        var command = new Command("steer", "Add α·direction at a hook and compare next-token logits and probabilities before and after.")
            { model, tokenizer, prompt, data, hook, direction, alpha, target, lastOnly, top, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var prompts = (parse.GetValue(prompt) ?? []).ToList();
            if (parse.GetValue(data) is { } file) prompts.AddRange(PromptFile.Read(file));
            var result = SteeringExperiment.Run(new SteeringRequest
            {
                Model = ModelPath.File(parse.GetValue(model)!), Tokenizer = parse.GetValue(tokenizer) ?? ModelPath.DefaultTokenizer(parse.GetValue(model)!),
                Prompts = prompts, Hook = parse.GetValue(hook), Direction = Direction.Load(parse.GetValue(direction)!),
                Alphas = ParseAlphas(parse.GetValue(alpha)!), Targets = parse.GetValue(target) ?? [], AllPositions = !parse.GetValue(lastOnly),
                TopK = parse.GetValue(top), Output = parse.GetValue(output), Metadata = GenerateCommand.RunMetadata(parse, parse.GetValue(model)!),
            });
            var inv = CultureInfo.InvariantCulture;
            log.WriteLine($"Steering {result.Hook} along {result.Direction} ({result.Positions} positions).");
            foreach (var p in result.Prompts)
            {
                log.WriteLine();
                log.WriteLine($"Prompt: {p.Prompt}");
                log.WriteLine($"  clean top: {string.Join("  ", p.CleanTop.Select(t => string.Create(inv, $"{Quote(t.Token)} {t.Probability:0.000}")))}");
                log.WriteLine($"  {"α",8} {"KL",7}  {"targets: p (Δlogit)",-50} top after");
                foreach (var a in p.ByAlpha)
                    log.WriteLine(string.Create(inv, $"  {a.Alpha,8:g4} {a.KlFromClean,7:0.000}  {string.Join("  ", a.Targets.Select(t => string.Create(inv, $"{Quote(t.Token)} {t.Probability:0.000} ({t.LogitChange:+0.00;-0.00})"))),-50} {string.Join(" ", a.Top.Select(t => Quote(t.Token)))}"));
            }
            log.WriteLine();
            log.WriteLine($"Results: {Path.Combine(parse.GetValue(output)!, Analysis.Results.ResultsFile.FileName)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static double[] ParseAlphas(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
            : throw new UserInputException($"--alpha value '{s}' is not a number; give comma-separated numbers such as 1,2,4.")).ToArray();

    private static string Quote(string token) => "'" + token.Replace("\n", "\\n") + "'";
}
