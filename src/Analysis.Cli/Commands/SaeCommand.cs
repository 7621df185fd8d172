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
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (one SAE folder, or one subfolder per SAE of a sweep).", Required = true };
        var command = new Command("train", "Train TopK, BatchTopK or ReLU sparse autoencoders on an activation dataset.")
        {
            data, hooks, architecture, latents, k, l1, tokens, batch, lr, warmup, decay, seed, dead, median, metricsEvery, checkpointEvery, buffer, json, output,
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
                        $"{(s.Name == "" ? s.Hook : s.Name)}: fvu {s.Fvu:0.0000}  l0 {s.L0:0.0}  dead {s.DeadFraction:0.000}  ({s.Tokens:N0} tokens, {s.TokensPerSecond:N0} tok/s) → {s.Folder}"));
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
        var saes = new Argument<string[]>("saes") { Description = "Two or more SAE folders on the same hook; each is compared with the next.", Arity = ArgumentArity.OneOrMore };
        var threshold = new Option<double>("--threshold") { Description = "A latent whose best decoder cosine is below this appears/vanishes.", DefaultValueFactory = _ => 0.7 };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (compare.json, results.json).", Required = true };
        var command = new Command("compare", "Match SAE latents by decoder cosine: best match per latent, greedy one-to-one matching, latents that appear or vanish.")
            { saes, threshold, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var results = SaeComparison.Run(parse.GetValue(saes)!, parse.GetValue(output)!, parse.GetValue(threshold));
            foreach (var r in results)
                parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.A} → {r.B}: one-to-one mean cosine {r.OneToOneMeanCosine:0.000}, median best cosine {r.BestCosineAToB.Order().ElementAt(r.BestCosineAToB.Length / 2):0.000}, {r.Vanishing.Length} vanish, {r.Appearing.Length} appear (cosine < {r.Threshold})"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
