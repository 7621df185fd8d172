using System.CommandLine;
using System.Text.RegularExpressions;

namespace Analysis.Cli.Tests;

/// <summary>The command line's spelling rules, checked over every command: kebab-case options, and one name for outputs.</summary>
public partial class CliConventionsTests
{
    [GeneratedRegex("^(--[a-z0-9]+(-[a-z0-9]+)*|-[a-zA-Z])$")]
    private static partial Regex OptionName();

    private static IEnumerable<(string Command, Option Option)> Options(Command command, string path)
    {
        foreach (var o in command.Options) yield return (path, o);
        foreach (var sub in command.Subcommands)
            foreach (var x in Options(sub, $"{path} {sub.Name}")) yield return x;
    }

    [Fact]
    public void EveryOptionIsKebabCaseAndEveryOutputIsDashOOutputWithOutAsAlias()
    {
        var all = Options(CommandLine.Build(), "analysis").Where(x => x.Option.Name != "--help" && x.Option.Name != "--version").ToList();
        Assert.NotEmpty(all);
        // `probe --C` keeps scikit-learn's spelling of the inverse regularisation strength, which probe users type as such.
        foreach (var (command, option) in all.Where(x => x.Option.Name != "--C"))
            Assert.True(OptionName().IsMatch(option.Name), $"{command}: option '{option.Name}' is not kebab-case.");
        var outputs = all.Where(x => x.Option.Name is "--output" or "--out" || x.Option.Aliases.Contains("--out") || x.Option.Aliases.Contains("-o")).ToList();
        Assert.True(outputs.Count >= 7, $"only {outputs.Count} output options found");
        foreach (var (command, option) in outputs)
        {
            Assert.True(option.Name == "--output", $"{command}: the output option is '{option.Name}', not --output.");
            Assert.Contains("-o", option.Aliases);
            Assert.Contains("--out", option.Aliases);
        }
    }

    [Theory]
    [InlineData("-o")]
    [InlineData("--output")]
    [InlineData("--out")]
    public void EachOutputSpellingParses(string spelling)
    {
        foreach (var args in new[] { new[] { "extract", "--model", "m", "--data", "d", spelling, "x" }, ["probe", "--data", "d", spelling, "x"],
                     ["pca", "--data", "d", spelling, "x"], ["report", "a", spelling, "x"], ["expose", "m", "--hooks", "h", spelling, "x"] })
        {
            var parse = CommandLine.Build().Parse(args);
            Assert.True(parse.Errors.Count == 0, $"{string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }
}
