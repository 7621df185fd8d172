using System.CommandLine;
using System.Globalization;
using Analysis.Cli.Rendering;
using Analysis.Sae;

namespace Analysis.Cli.Commands;

/// <summary>`analysis sae absorption`: feature absorption on the first-letter task.</summary>
public static class SaeAbsorptionCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        var defaults = new AbsorptionOptions();
        var sae = new Option<string>("--sae") { Description = "SAE folder (sae_weights.safetensors + cfg.json).", Required = true };
        var data = new Option<string>("--data") { Description = "Activation dataset with token_text (or token) column, as `analysis extract` writes.", Required = true };
        var hook = new Option<string?>("--hook") { Description = "Hook column (default: the SAE's hook_name)." };
        var split = new Option<string>("--split") { Description = "random: tokens split at random; type: each word type on one side (the probe must generalise to unseen words).", DefaultValueFactory = _ => defaults.Split };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of tokens held out for the measurement.", DefaultValueFactory = _ => defaults.TestFraction };
        var seed = new Option<int>("--seed") { Description = "Seed of the split.", DefaultValueFactory = _ => defaults.Seed };
        var c = new Option<double>("--c") { Description = "Inverse L2 strength of the first-letter probe.", DefaultValueFactory = _ => defaults.C };
        var maxK = new Option<int>("--max-k") { Description = "At most this many main latents per letter (k-sparse probing).", DefaultValueFactory = _ => defaults.MaxK };
        var jump = new Option<double>("--f1-jump") { Description = "Add the next main latent only if F1 rises by more than this.", DefaultValueFactory = _ => defaults.F1Jump };
        var cosine = new Option<double>("--cosine-threshold") { Description = "An absorbing latent's decoder row needs at least this cosine with the probe direction.", DefaultValueFactory = _ => defaults.CosineThreshold };
        var share = new Option<double>("--projection-share") { Description = "… and at least this share of the token's probe projection.", DefaultValueFactory = _ => defaults.ProjectionShare };
        var minF1 = new Option<double>("--min-probe-f1") { Description = "Letters whose probe F1 is lower are not measured.", DefaultValueFactory = _ => defaults.MinProbeF1 };
        var probe = new Option<string?>("--probe") { Description = "A saved first-letter probe (JSON of `analysis probe --save` or of an earlier run) instead of fitting one." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Use at most this many lettered tokens.", DefaultValueFactory = _ => defaults.MaxTokens };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output folder (absorption.json, absorption_tokens.parquet, results.json).", Required = true };
        var command = new Command("absorption", "Feature absorption on the first-letter task: main latents per letter, and how often another latent absorbs the letter when they stay silent.")
            { sae, data, hook, split, testFraction, seed, c, maxK, jump, cosine, share, minF1, maxTokens, probe, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var options = new AbsorptionOptions
            {
                Split = parse.GetValue(split)!, TestFraction = parse.GetValue(testFraction), Seed = parse.GetValue(seed), C = parse.GetValue(c),
                MaxK = parse.GetValue(maxK), F1Jump = parse.GetValue(jump), CosineThreshold = parse.GetValue(cosine),
                ProjectionShare = parse.GetValue(share), MinProbeF1 = parse.GetValue(minF1), MaxTokens = parse.GetValue(maxTokens),
            };
            var error = parse.InvocationConfiguration.Error;
            var r = Absorption.Run(parse.GetValue(sae)!, parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(hook), options,
                s => error.WriteLine($"sae absorption: {s}"), parse.GetValue(probe));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Hook}: {r.Tokens:N0} lettered tokens, probe accuracy {r.ProbeAccuracy:0.000}, {r.EvaluatedLetters} letters measured; mean absorption rate {r.MeanAbsorptionRate:0.000}, full-absorption score {r.MeanFullAbsorptionScore:0.000}, absorption fraction {r.MeanAbsorptionFraction:0.000}"));
            o.WriteLine("letter  probe F1  main latents          main F1  false neg.  absorbed  rate   top absorbing latents");
            foreach (var l in r.Letters)
                o.WriteLine(l.Evaluated
                    ? string.Create(CultureInfo.InvariantCulture, $"{l.Letter,-7} {l.ProbeF1,8:0.000}  {string.Join(",", l.MainFeatures),-20}  {l.MainF1,7:0.000}  {l.FalseNegatives,10}  {l.Absorbed,8}  {l.AbsorptionRate,5:0.000}  {string.Join(" ", l.AbsorbingFeatures.Take(3).Select(a => $"{a.Feature}×{a.Tokens}"))}")
                    : $"{l.Letter,-7} not measured: {l.Skipped}");
            o.WriteLine($"Wrote {Path.Combine(parse.GetValue(output)!, Absorption.SummaryFile)}, {Absorption.TokensFile} and {Absorption.ProbeFileName}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
