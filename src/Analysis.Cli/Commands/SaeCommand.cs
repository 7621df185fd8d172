using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Analysis.Cli.Rendering;
using Analysis.Sae;

namespace Analysis.Cli.Commands;

/// <summary>`analysis sae train|encode`: sparse autoencoders on activation datasets.</summary>
public static class SaeCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var command = new Command("sae", "Sparse autoencoders: train them on activation datasets, encode datasets with them.");
        command.Subcommands.Add(Train());
        command.Subcommands.Add(Encode());
        command.Subcommands.Add(Eval());
        command.Subcommands.Add(Compare());
        command.Subcommands.Add(SaeFeaturesCommand.Create());
        command.Subcommands.Add(SaeFunctionTokensCommand.Create());
        command.Subcommands.Add(SaeAbsorptionCommand.Create());
        return command;
    }

    private static Command Train()
    {
        var data = new Option<string>("--data") { Description = "Activation dataset directory, or a Parquet file with fixed-length float list columns.", Required = true };
        var hooks = new Option<string[]>("--hook") { Description = "Hook column to train on; repeat for several hooks (one SAE each, same pass).", Required = true, AllowMultipleArgumentsPerToken = true };
        var architecture = new Option<string>("--architecture") { Description = "topk, batchtopk or relu.", DefaultValueFactory = _ => "topk" };
        var latents = new Option<int[]>("--latents") { Description = "Number of latents; several values make a sweep.", Required = true, AllowMultipleArgumentsPerToken = true };
        var k = new Option<int[]>("--k") { Description = "Active latents per token (TopK, BatchTopK); several values make a sweep.", DefaultValueFactory = _ => [32], AllowMultipleArgumentsPerToken = true };
        var l1 = new Option<float>("--l1") { Description = "L1 coefficient of ReLU SAEs (penalty λ·Σ z·‖W_dec row‖).", DefaultValueFactory = _ => 5f };
        var tokens = new Option<long>("--tokens") { Description = "Token budget (steps = tokens / batch size); the data repeats, reshuffled, if it is smaller.", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Tokens per step.", DefaultValueFactory = _ => 4096 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate of Adam.", DefaultValueFactory = _ => 2e-4 };
        var warmup = new Option<int?>("--warmup-steps") { Description = "Linear warm-up steps (default 5% of the steps, at most 1,000)." };
        var decay = new Option<int?>("--decay-steps") { Description = "Linear decay to zero over the last N steps (default 20% of the steps)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights and the data order.", DefaultValueFactory = _ => 0UL };
        var dead = new Option<long?>("--dead-tokens") { Description = "A latent silent for this many tokens is dead (default min(10M, tokens/10))." };
        var median = new Option<bool>("--b-dec-median") { Description = "Start b_dec at the geometric median of a sample instead of its mean." };
        var metricsEvery = new Option<int>("--metrics-every") { Description = "Log metrics every N steps.", DefaultValueFactory = _ => 10 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a checkpoint every N steps; rerunning the same command resumes from it.", DefaultValueFactory = _ => 0 };
        var buffer = new Option<long>("--shuffle-buffer-mb") { Description = "Shuffle buffer size in MiB (at least one row group plus eight batches).", DefaultValueFactory = _ => 256 };
        var json = new Option<bool>("--json") { Description = "Print the final metrics as one JSON object." };
        var device = new Option<string>("--device") { Description = "cpu | cuda[:N] | auto (CUDA when its libraries are present).", DefaultValueFactory = _ => "cpu" };
        var engine = new Option<string?>("--engine") { Description = "simd (sparse SIMD code, CPU only) or onnx (ONNX graphs on ONNX Runtime, CPU or CUDA); default simd on the CPU, onnx on CUDA." };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (one SAE folder, or one subfolder per SAE of a sweep).", Required = true };
        var command = new Command("train", "Train TopK, BatchTopK or ReLU sparse autoencoders on an activation dataset.")
        {
            data, hooks, architecture, latents, k, l1, tokens, batch, lr, warmup, decay, seed, dead, median, metricsEvery, checkpointEvery, buffer, json, device, engine, output,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var request = new SaeTrainingRequest
            {
                Data = parse.GetValue(data)!, Hooks = parse.GetValue(hooks)!, Architecture = SaeArchitectures.Parse(parse.GetValue(architecture)!),
                Latents = parse.GetValue(latents)!, K = parse.GetValue(k)!, L1 = parse.GetValue(l1), Tokens = parse.GetValue(tokens),
                BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr), WarmupSteps = parse.GetValue(warmup), DecaySteps = parse.GetValue(decay),
                Seed = parse.GetValue(seed), DeadTokens = parse.GetValue(dead), GeometricMedian = parse.GetValue(median),
                MetricsEvery = parse.GetValue(metricsEvery), CheckpointEvery = parse.GetValue(checkpointEvery),
                ShuffleBufferBytes = parse.GetValue(buffer) << 20, Output = parse.GetValue(output)!,
                Device = CommandErrors.ParseUserValue(() => Analysis.Runtime.Device.Parse(parse.GetValue(device)!)),
                Engine = parse.GetValue(engine) is { } e ? SaeEngines.Parse(e) : null,
                Metadata = ProbeCommand.RunMetadata(parse, parse.GetValue(data)!),
            };
            var error = parse.InvocationConfiguration.Error;
            var results = ProgressDisplay.Run("sae train", error, report => SaeTraining.Run(request, p =>
            {
                var first = p.Latest[0];
                var more = p.Latest.Count > 1 ? $"  (+{p.Latest.Count - 1} more SAEs)" : "";
                report(new ProgressDisplay.Snapshot(p.Step, p.Steps, string.Create(CultureInfo.InvariantCulture,
                    $"steps  fvu {first.Fvu:0.0000}  l0 {first.L0:0.0}  dead {first.DeadFraction:0.000}  {p.TokensPerSecond:N0} tok/s") + more));
            }));
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                var top = JsonSerializer.SerializeToNode(results[0])!.AsObject();
                top["saes"] = JsonSerializer.SerializeToNode(results);
                o.WriteLine(top.ToJsonString());
            }
            else
            {
                foreach (var s in results)
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{(s.Name == "" ? s.Hook : s.Name)}: fvu {s.Fvu:0.0000}  l0 {s.L0:0.0}  dead {s.DeadFraction:0.000}  ({s.Tokens:N0} tokens, {s.TokensPerSecond:N0} tok/s, {s.Engine}) → {s.Folder}"));
                o.WriteLine($"Wrote {Path.Combine(request.Output, "results.json")} and {Path.Combine(request.Output, SaeTraining.MetricsFile)}.");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Encode()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (sae_weights.safetensors + cfg.json).", Required = true };
        var data = new Option<string>("--data") { Description = "Activation dataset directory or Parquet file.", Required = true };
        var hook = new Option<string?>("--hook") { Description = "Column to encode (default: the SAE's hook_name)." };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (codes.parquet).", Required = true };
        var command = new Command("encode", "Write a dataset's SAE codes as sparse Parquet: row, example_id, position, latent, value.") { sae, data, hook, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var (rows, entries) = ProgressDisplay.Run("sae encode", error, report =>
                SaeEncoding.Run(parse.GetValue(sae)!, parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(hook),
                    (done, total) => report(new ProgressDisplay.Snapshot(done, total, "rows"))));
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Encoded {rows:N0} rows into {entries:N0} active latents ({entries / Math.Max(1.0, rows):0.0} per row): {Path.Combine(parse.GetValue(output)!, SaeEncoding.CodesFile)}"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Eval()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (sae_weights.safetensors + cfg.json + sae.onnx).", Required = true };
        var model = new Option<string>("--model") { Description = "The model the SAE was trained on (model.onnx or its folder).", Required = true };
        var data = new Option<string>("--data") { Description = "Text to evaluate on: .jsonl/.txt/.csv/.parquet, as extract takes.", Required = true };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "tokenizer.json or its folder (default: the model's folder)." };
        var textField = new Option<string>("--text-field") { Description = "Text field of structured data.", DefaultValueFactory = _ => "text" };
        var maxLength = new Option<int>("--max-length") { Description = "Tokens per sequence (longer texts are truncated).", DefaultValueFactory = _ => 128 };
        var maxSequences = new Option<int>("--max-sequences") { Description = "Evaluate at most this many texts.", DefaultValueFactory = _ => int.MaxValue };
        var json = new Option<bool>("--json") { Description = "Print eval.json instead of a summary." };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (eval.json, results.json, spliced.onnx).", Required = true };
        var command = new Command("eval", "Evaluate an SAE: FVU, L0, dead/dense latents, density, and next-token loss with the SAE spliced into the model.")
            { sae, model, data, tokenizer, textField, maxLength, maxSequences, json, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var r = ProgressDisplay.Run("sae eval", error, report =>
                SaeEvaluation.Run(parse.GetValue(sae)!, parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(output)!,
                    parse.GetValue(tokenizer), parse.GetValue(maxLength), parse.GetValue(maxSequences), parse.GetValue(textField)!,
                    (done, total) => report(new ProgressDisplay.Snapshot(done, total, "runs"))));
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) o.WriteLine(System.Text.Json.JsonSerializer.Serialize(r, SaeEvaluation.Json));
            else o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Hook}: {r.Tokens:N0} tokens, FVU {r.Fvu:0.0000}, L0 {r.L0:0.0}, dead {r.DeadFraction:P1}, dense {r.DenseFraction:P1}, effective features {r.EffectiveFeatures:0.0}; CE clean {r.CeLossClean:0.0000} spliced {r.CeLossSpliced:0.0000} zero {r.CeLossZeroAblation:0.0000} mean {r.CeLossMeanAblation:0.0000}, recovered {r.CeLossRecovered:0.000}, KL {r.KlDiv:0.0000}"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Compare()
    {
        var saes = new Argument<string[]>("saes") { Description = "Two or more SAE folders (a sweep folder stands for its SAEs): the checkpoints of a series (same hook), layers, or seeds.", Arity = ArgumentArity.OneOrMore };
        var threshold = new Option<double>("--threshold") { Description = "A latent whose best decoder cosine is below this appears/vanishes (and is not yet born).", DefaultValueFactory = _ => 0.7 };
        var data = new Option<string[]>("--data") { Description = "Activation dataset(s) for the match by activations and effective features: one holding every SAE's hook, or one per SAE (same examples).", AllowMultipleArgumentsPerToken = true };
        var steps = new Option<long[]>("--steps") { Description = "Each SAE's training step, in argument order (default: from the family index beside each SAE's training dataset, else the argument order).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (compare.json, trajectories.parquet, results.json).", Required = true };
        var command = new Command("compare", "Match SAE latents by decoder cosine (and by code correlation with --data): best match, optimal one-to-one matching, latents that appear or vanish, births over checkpoints, effective features.")
            { saes, threshold, data, steps, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var request = new SaeCompareRequest
            {
                Saes = parse.GetValue(saes)!, Output = parse.GetValue(output)!, Threshold = parse.GetValue(threshold),
                Data = parse.GetValue(data) ?? [], Steps = parse.GetValue(steps) ?? [],
                Metadata = new Dictionary<string, string>
                {
                    ["command"] = "analysis " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
                    ["data"] = string.Join(", ", (parse.GetValue(data) ?? []).Select(Path.GetFullPath)),
                },
            };
            var report = ProgressDisplay.Run("sae compare", parse.InvocationConfiguration.Error, progress =>
                SaeComparisonRun.Run(request, (done, total) => progress(new ProgressDisplay.Snapshot(done, total, "passes"))));
            var o = parse.InvocationConfiguration.Output;
            foreach (var r in report.Pairs)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.A} → {r.B}: one-to-one ({r.OneToOneMethod}) mean cosine {r.OneToOneMeanCosine:0.000}, median best cosine {r.BestCosineAToB.Order().ElementAt(r.BestCosineAToB.Length / 2):0.000}, {r.Vanishing.Length} vanish, {r.Appearing.Length} appear (cosine < {r.Threshold})"));
                if (r.Correlation is { } c)
                    o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  by activations ({c.Tokens:N0} tokens): one-to-one mean correlation {c.OneToOneMeanCorrelation:0.000}; agrees with the cosine match on {c.BestMatchAgreement:P1} of best matches, {c.OneToOneAgreement:P1} of one-to-one pairs ({c.LiveLatents} live latents)"));
            }
            foreach (var t in report.Trajectories)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{t.Hook}: births of the {t.Birth.Length} final latents by step: {string.Join(", ", t.Steps.Select((s, i) => $"{s}: {t.BirthHistogram[i]}"))}; matched per step: {string.Join(", ", t.Matched)}"));
            foreach (var e in report.Saes.Where(e => e.Tokens > 0))
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Sae} ({e.Hook}, step {e.Step}): effective features {e.EffectiveFeatures:0.0} of {e.DSae}, L0 {e.L0:0.0}, dead {e.DeadFraction:P1}"));
            o.WriteLine($"Wrote {Path.Combine(request.Output, SaeComparison.CompareFile)}{(report.Trajectories.Length > 0 ? " and " + Path.Combine(request.Output, SaeComparisonRun.TrajectoriesFile) : "")}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
