using System.CommandLine;
using System.Globalization;
using Analysis.Results;
using Analysis.Similarity;

namespace Analysis.Cli.Commands;

/// <summary>`analysis similarity A B`: linear CKA (streamed) and RSA between every layer of two aligned datasets.</summary>
public static class SimilarityCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "The first activation dataset (heatmap rows)." };
        var b = new Argument<string>("B") { Description = "The second dataset, extracted from the same examples (heatmap columns); may be A itself." };
        var hooks = new Option<string>("--hooks") { Description = "Hook columns compared on both sides, glob patterns, comma-separated.", DefaultValueFactory = _ => "*" };
        var rsaRows = new Option<int>("--rsa-rows") { Description = "Rows RSA uses, evenly spaced (its cost grows with the square); 0 skips RSA.", DefaultValueFactory = _ => 500 };
        var distance = new Option<RsaDistance>("--rsa-distance") { Description = "Dissimilarity between rows for RSA: correlation, cosine or euclidean.", DefaultValueFactory = _ => RsaDistance.Correlation };
        var output = new Option<string>("--output", "-o", "--out") { Description = "Output directory (results.json, similarity.json).", Required = true };
        var command = new Command("similarity", "Layer × layer linear CKA and RSA between two activation datasets aligned by example and position.")
            { a, b, hooks, rsaRows, distance, output };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var log = parse.InvocationConfiguration.Output;
            var lastShown = DateTime.MinValue;
            var result = LayerSimilarity.Run(new SimilarityRequest
            {
                A = parse.GetValue(a)!, B = parse.GetValue(b)!, Hooks = parse.GetValue(hooks)!, RsaRows = parse.GetValue(rsaRows),
                RsaDistance = parse.GetValue(distance), Output = parse.GetValue(output)!,
                Metadata = ProbeCommand.RunMetadata(parse, parse.GetValue(a)!),
            }, (done, total) =>
            {
                if (DateTime.UtcNow - lastShown < TimeSpan.FromSeconds(2) && done < total) return;
                lastShown = DateTime.UtcNow;
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {done:N0}/{total:N0} rows"));
            });
            log.WriteLine("Linear CKA (rows: A's hooks, columns: B's hooks)");
            foreach (var (hook, i) in result.HooksA.Select((h, i) => (h, i)))
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hook,-28} {string.Join(" ", result.Cka[i].Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)))}"));
            log.WriteLine($"Wrote {Path.Combine(parse.GetValue(output)!, ResultsFile.FileName)} and {LayerSimilarity.TableFile}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
