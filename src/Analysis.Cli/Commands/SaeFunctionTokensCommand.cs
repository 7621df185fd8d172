using System.CommandLine;
using System.Globalization;
using Analysis.Cli.Rendering;
using Analysis.Sae;

namespace Analysis.Cli.Commands;

/// <summary>`analysis sae function-tokens`: which vocabulary tokens activate the most SAE latents.</summary>
public static class SaeFunctionTokensCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (sae_weights.safetensors + cfg.json).", Required = true };
        var data = new Option<string>("--data") { Description = "Activation dataset with a token_id column (as `analysis extract` writes).", Required = true };
        var hook = new Option<string?>("--hook") { Description = "Column to encode (default: the SAE's hook_name)." };
        var top = new Option<int>("--top") { Description = "How many tokens of highest degree to list.", DefaultValueFactory = _ => 20 };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (function_token_edges.parquet, function_tokens.json, results.json).", Required = true };
        var command = new Command("function-tokens", "Count the token → latent graph over a dataset: each token's number of distinct latents, degree distributions, the few tokens that reach most latents.")
            { sae, data, hook, top, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var r = ProgressDisplay.Run("sae function-tokens", error, report =>
                FunctionTokens.Run(parse.GetValue(sae)!, parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(hook), parse.GetValue(top),
                    (done, total) => report(new ProgressDisplay.Snapshot(done, total, "rows"))));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Hook}: {r.Tokens:N0} tokens ({r.DistinctTokens:N0} distinct), {r.LiveLatents:N0} of {r.Latents:N0} latents fire, {r.Edges:N0} edges; mean token degree {r.MeanTokenDegree:0.0}. {r.TokensFor50} tokens reach 50% of live latents, {r.TokensFor90} reach 90% (greedy; by frequency {r.TokensFor50ByFrequency} and {r.TokensFor90ByFrequency})."));
            o.WriteLine("Top tokens by degree (latents reached, share of live latents, frequency):");
            foreach (var t in r.TopByDegree)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.TokenId,6} {Quote(t.Token),-16} {t.Degree,6} {t.DegreeFraction,7:P1} {t.Frequency,10:N0}"));
            o.WriteLine($"Wrote {Path.Combine(parse.GetValue(output)!, FunctionTokens.EdgesFile)} and {FunctionTokens.SummaryFile}.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Quote(string token) => "'" + token.Replace("\n", "\\n", StringComparison.Ordinal) + "'";
}
