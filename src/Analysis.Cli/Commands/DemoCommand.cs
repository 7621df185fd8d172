using System.CommandLine;
using Analysis.Extraction;
using Analysis.Probing;
using Analysis.Reports;

namespace Analysis.Cli.Commands;

/// <summary>
/// `analysis demo`: the main job on the bundled model — extract the residual stream of every layer of stories260K
/// over the bundled stories dataset, probe every layer for the first character of each token (the spelling analysis,
/// with word types never shared between train and test), write the HTML report, and say where everything went.
/// </summary>
public static class DemoCommand
{
    /// <summary>The bundled model, relative to the repository root.</summary>
    public const string BundledModel = "onnx-models/stories260k/model.onnx";

    /// <summary>The bundled dataset, relative to the repository root.</summary>
    public const string DataPath = "tools/demo/stories.jsonl";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o", "--out") { Description = "Where to write the demo's outputs.", DefaultValueFactory = _ => "demo-output" };
        var command = new Command("demo", "Run the main job on the bundled model: extract the residual stream of every layer of stories260K (a real Llama-architecture model) over 3,000 bundled sentences into a Parquet activation dataset, probe each layer for the tokens' first character, and write an HTML report.")
        {
            output,
        };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var root = RepositoryRoot();
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            var stdout = parse.InvocationConfiguration.Output;
            var model = Path.Combine(root, BundledModel);
            stdout.WriteLine($"Model:   {model} (stories260K: 5 layers, d_model 64, trained on TinyStories)");
            stdout.WriteLine($"Data:    {Path.Combine(root, DataPath)} (3,000 short stories with name/mood/object/count labels)");
            var request = new ExtractionRequest
            {
                Model = model,
                Tokenizer = ModelPath.DefaultTokenizer(model),
                Data = Path.Combine(root, DataPath),
                Output = Path.Combine(outDir, "activations"),
                Hooks = ["hook_embed", "blocks.*.hook_resid_post"],
                Positions = PositionMode.All,
                MaxLength = 128,
                BatchSize = 32,
                Device = Runtime.Device.Cpu,
                Overwrite = true,
                ForceCollections = true,
                CommandLine = ["analysis", .. parse.Tokens.Select(t => t.Value)],
            };
            var summary = ExtractCommand.Extract(request, parse.InvocationConfiguration.Error);
            ExtractCommand.PrintSummary(summary, request, stdout);
            stdout.WriteLine();
            stdout.WriteLine("Probing every layer for the first character of each token (word types never shared by train and test):");
            var probes = Path.Combine(outDir, "probes");
            ProbeCommand.Sweep(new LayerSweepRequest
            {
                Data = request.Output,
                Hooks = "hook_embed,blocks.*.hook_resid_post",
                LabelFrom = "token:first-char",
                GroupBy = "token",
                Options = new ProbeOptions
                {
                    Seeds = [0],
                    Model = new LogisticRegressionOptions { Standardize = true, MaxIterations = 100 },
                },
                Output = probes,
                Metadata = new Dictionary<string, string> { ["command"] = "analysis demo", ["model"] = "stories260K (onnx-models/stories260k)" },
            }, stdout);
            var report = Path.Combine(outDir, "report.html");
            HtmlReport.Write([probes], report, "stories260K: where is a token's first letter decodable?");
            stdout.WriteLine();
            stdout.WriteLine($"Report:      {report}");
            stdout.WriteLine($"Probes:      {probes} (results.json, probe.parquet)");
            stdout.WriteLine($"Activations: {request.Output}");
            stdout.WriteLine($"  read them with DuckDB:  SELECT token, \"blocks.4.hook_resid_post\" FROM '{request.Output}/part-*.parquet' LIMIT 5;");
            stdout.WriteLine($"  or pandas (pyarrow):    pd.read_parquet('{request.Output}')   # files starting with _ are bookkeeping and skipped");
            stdout.WriteLine($"  look inside:            ./analysis dataset info {request.Output}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The repository root: the nearest folder above the working directory or the tool holding the bundled model.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, BundledModel))) return dir.FullName;
        throw new UserInputException($"Cannot find the bundled model ({BundledModel}); run the demo from a clone of the repository.");
    }
}
