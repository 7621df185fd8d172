using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Analysis.Extraction;
using Analysis.Generation;
using Analysis.Interventions;
using Analysis.Results;

namespace Analysis.Cli.Commands;

/// <summary>`analysis generate`: continue a prompt (greedy or sampled), optionally steered or clamped, beside the clean continuation.</summary>
public static class GenerateCommand
{
    // One line, snake_case (the lens's nested records too), NaN allowed.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The ONNX model (a causal LM).", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json (default: beside the model)." };
        var prompt = new Option<string>("--prompt") { Description = "The prompt.", Required = true };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "The most tokens to add.", DefaultValueFactory = _ => 50 };
        var greedy = new Option<bool>("--greedy") { Description = "Take the most likely token each step (the default unless --temperature or --top-p is given)." };
        var temperature = new Option<double?>("--temperature") { Description = "Sample with this temperature." };
        var topP = new Option<double?>("--top-p") { Description = "Sample from the smallest set of tokens whose probability reaches this (nucleus sampling)." };
        var seed = new Option<int>("--seed") { Description = "Random seed for sampling.", DefaultValueFactory = _ => 0 };
        var steer = new Option<string[]>("--steer") { Description = "HOOK=FILE*ALPHA: add ALPHA times the direction in FILE at HOOK at every position (repeatable; HOOK may be empty for the direction's own hook)." };
        var clamp = new Option<string[]>("--clamp") { Description = "HOOK:CHANNEL=VALUE: set a channel (e.g. an MLP neuron of blocks.1.mlp.hook_post) to VALUE at every position (repeatable)." };
        var lens = new Option<bool>("--lens") { Description = "Run the logit lens on every generated token (of the intervened row when intervening): each layer's top tokens, the generated token's probability and rank, entropy, KL to the final layer." };
        var hooks = new Option<string[]>("--hooks") { Description = "Residual-stream hooks the lens reads (default: blocks.*.hook_resid_post; the last block's is always added).", AllowMultipleArgumentsPerToken = true };
        var lensTop = new Option<int>("--lens-top") { Description = "Top tokens kept per layer and step by the lens.", DefaultValueFactory = _ => 5 };
        var tokenSets = new Option<string?>("--token-sets") { Description = "With --lens: a JSON file of named token sets whose mass is measured per layer (as `analysis lens`)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (text, token_ids, …) to stdout instead of the readable form." };
        var output = new Option<string?>("--output", "-o", "--out") { Description = "Output directory for results.json (optional)." };
        var backend = new Option<string>("--backend") { Description = "auto (GenAI for models with a KV cache, else recomputation; recomputation with --lens), genai or recompute.", DefaultValueFactory = _ => "auto" };
        backend.AcceptOnlyFromAmong("auto", "genai", "recompute");
        var command = new Command("generate", "Continue a prompt (GenAI with the KV cache, or recomputation through our runtime), optionally with steering or clamping beside the clean continuation.")
            { model, tokenizer, prompt, maxNew, greedy, temperature, topP, seed, steer, clamp, lens, hooks, lensTop, tokenSets, json, output, backend };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var modelPath = ModelPath.File(parse.GetValue(model)!);
            var sampled = parse.GetValue(temperature) is not null || parse.GetValue(topP) is not null;
            if (sampled && parse.GetValue(greedy)) throw new UserInputException("--greedy cannot be combined with --temperature or --top-p; choose one way of decoding.");
            var maxNewTokens = parse.GetValue(maxNew);
            if (maxNewTokens < 0) throw new UserInputException($"--max-new-tokens must be 0 or more, not {maxNewTokens}.");
            var request = new GenerationRequest
            {
                Model = modelPath, Tokenizer = parse.GetValue(tokenizer) ?? ModelPath.DefaultTokenizer(modelPath), Prompt = parse.GetValue(prompt)!,
                MaxNewTokens = maxNewTokens,
                Sampling = sampled ? new Sampling(false, parse.GetValue(temperature) ?? 1, parse.GetValue(topP) ?? 1, parse.GetValue(seed)) : Sampling.GreedyDecoding,
                Steering = (parse.GetValue(steer) ?? []).Select(ParseSteer).ToList(),
                Clamps = (parse.GetValue(clamp) ?? []).Select(ParseClamp).ToList(),
            };
            var chosen = parse.GetValue(backend) switch { "genai" => GenerationBackend.GenAi, "recompute" => GenerationBackend.Recompute, _ => GenerationBackend.Auto };
            var lensWanted = parse.GetValue(lens);
            if (!lensWanted && new Option[] { hooks, lensTop, tokenSets }.Any(o => parse.GetResult(o) is { Implicit: false }))
                throw new UserInputException("--hooks, --lens-top and --token-sets configure the logit lens; add --lens.");
            // The lens observes each step's hooks, which the recompute loop exposes; GenAI generation does not carry it.
            if (lensWanted && chosen == GenerationBackend.GenAi)
                throw new UserInputException("--lens runs with the recompute loop, not GenAI; drop --backend genai.");
            using var stepLens = lensWanted ? GenerationLens.Open(request, parse.GetValue(hooks) is { Length: > 0 } h ? h : ["blocks.*.hook_resid_post"],
                parse.GetValue(lensTop), parse.GetValue(tokenSets)) : null;
            var error = parse.InvocationConfiguration.Error;
            var result = stepLens is not null ? Generator.Run(request, observer: stepLens)
                : GenerationDispatch.Run(request, chosen, note => error.WriteLine($"analysis: note: {note}"));
            var lensResult = stepLens?.Result;
            if (parse.GetValue(output) is { } dir)
            {
                stepLens?.WriteParquet(dir);
                ResultsFile.Save(dir, RunMetadata(parse, modelPath), [("generation", result), .. lensResult is null ? [] : new[] { (GenerationLens.Entry, (object)lensResult) }]);
            }
            if (parse.GetValue(json))
            {
                log.WriteLine(JsonSerializer.Serialize(new
                {
                    text = result.Output.Text, token_ids = result.Output.TokenIds, prompt = result.Prompt, prompt_ids = result.PromptIds,
                    stopped = result.Output.Stopped,
                    clean = result.Clean is { } c ? new { text = c.Text, token_ids = c.TokenIds, stopped = c.Stopped } : null,
                    interventions = result.Interventions, method = result.Method,
                    lens = lensResult,
                }, JsonOptions));
                return ExitCodes.Ok;
            }
            if (result.Clean is { } clean)
            {
                log.WriteLine($"Prompt: {result.Prompt}");
                foreach (var i in result.Interventions) log.WriteLine($"  {i}");
                log.WriteLine();
                log.WriteLine($"clean:      {result.Prompt}{clean.Text}");
                log.WriteLine();
                log.WriteLine($"intervened: {result.Prompt}{result.Output.Text}");
            }
            else log.WriteLine(result.Prompt + result.Output.Text);
            if (lensResult is { Steps.Count: > 0 }) WriteLensTable(log, lensResult);
            return ExitCodes.Ok;
        }));
        return command;
    }

    // Per layer: how often its top-1 is the generated token, the token's mean probability, and the mean KL to the final layer.
    private static void WriteLensTable(TextWriter log, GenerationLensResult lens)
    {
        log.WriteLine();
        log.WriteLine($"Logit lens over {lens.Steps.Count} generated tokens ({lens.Finish}):");
        log.WriteLine($"  {"hook",-32} {"top-1 = generated",17} {"p(generated)",12} {"KL to final",11} {"entropy",8}");
        for (var l = 0; l < lens.Hooks.Count; l++)
        {
            var layer = lens.Steps.Select(s => s.Layers[l]).ToList();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {lens.Hooks[l],-32} {layer.Average(x => x.TokenRank == 0 ? 1.0 : 0),17:0.000} {layer.Average(x => x.TokenProbability),12:0.000} {layer.Average(x => x.KlToFinal),11:0.000} {layer.Average(x => x.Entropy),8:0.000}"));
        }
    }

    // HOOK=FILE*ALPHA (the alpha after the last '*', the hook before the first '=').
    private static SteeringEdit ParseSteer(string text)
    {
        var eq = text.IndexOf('=');
        var star = text.LastIndexOf('*');
        if (eq < 0 || star < eq || !double.TryParse(text[(star + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var alpha))
            throw new UserInputException($"--steer '{text}' is not HOOK=FILE*ALPHA (e.g. blocks.2.hook_resid_post=dir.json*4).");
        var hook = text[..eq];
        return new SteeringEdit(hook.Length == 0 ? null : hook, Direction.Load(text[(eq + 1)..star]), alpha);
    }

    // HOOK:CHANNEL=VALUE
    private static ClampEdit ParseClamp(string text)
    {
        var colon = text.LastIndexOf(':');
        var eq = text.LastIndexOf('=');
        if (colon < 0 || eq < colon || !int.TryParse(text[(colon + 1)..eq], NumberStyles.Integer, CultureInfo.InvariantCulture, out var channel)
            || !float.TryParse(text[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new UserInputException($"--clamp '{text}' is not HOOK:CHANNEL=VALUE (e.g. blocks.1.mlp.hook_post:17=3.5).");
        return new ClampEdit(text[..colon], channel, value);
    }

    internal static Dictionary<string, string> RunMetadata(ParseResult parse, string model) => new()
    {
        ["model"] = Path.GetFullPath(model),
        ["command"] = "analysis " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
        ["finished"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
        ["tool version"] = typeof(GenerateCommand).Assembly.GetName().Version?.ToString() ?? "",
    };
}
