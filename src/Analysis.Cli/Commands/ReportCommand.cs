using System.CommandLine;
using Analysis.Reports;

namespace Analysis.Cli.Commands;

/// <summary>`analysis report DIR...`: one self-contained HTML page from the results of probe, pca and pls runs.</summary>
public static class ReportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Output directories of 'analysis probe', 'pca' or 'pls' (each holds results.json).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o", "--out") { Description = "HTML file to write.", DefaultValueFactory = _ => "report.html" };
        var title = new Option<string>("--title") { Description = "Page title.", DefaultValueFactory = _ => "Analysis report" };
        var command = new Command("report", "Write a self-contained HTML report (inline SVG) of probe, PCA and PLS results.") { dirs, output, title };
        command.SetAction(CommandErrors.Guard(parse =>
        {
            var path = parse.GetValue(output)!;
            HtmlReport.Write(parse.GetValue(dirs)!, path, parse.GetValue(title)!);
            parse.InvocationConfiguration.Output.WriteLine($"Wrote {path}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
