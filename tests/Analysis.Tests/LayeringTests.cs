using System.Text.RegularExpressions;
using Analysis.Tests.Verification;

namespace Analysis.Tests;

/// <summary>The folders of src/Analysis import each other without cycles (shared types live below the folders that use them).</summary>
public partial class LayeringTests
{
    [Fact]
    public void Folders_of_the_library_do_not_import_each_other_in_a_cycle()
    {
        var src = Path.Combine(Models.Root, "src", "Analysis");
        var folders = Directory.GetDirectories(src).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Cast<string>().ToHashSet();
        var imports = folders.ToDictionary(f => f, f => Directory.EnumerateFiles(Path.Combine(src, f), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => Reference().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Where(g => g != f && folders.Contains(g)).ToHashSet());
        Assert.True(imports.Count >= 8, "The test found too few folders under src/Analysis to mean anything.");
        Assert.Contains("Datasets", imports["Probing"]);   // a known edge: the test sees real imports

        // Depth-first search; a folder met again while still on the path closes a cycle.
        var state = folders.ToDictionary(f => f, _ => 0);   // 0 unseen, 1 on the path, 2 done
        var path = new Stack<string>();
        void Visit(string f)
        {
            state[f] = 1;
            path.Push(f);
            foreach (var g in imports[f])
            {
                if (state[g] == 1) Assert.Fail($"Folders import each other in a cycle: {string.Join(" → ", path.Reverse().SkipWhile(p => p != g))} → {g}.");
                if (state[g] == 0) Visit(g);
            }
            path.Pop();
            state[f] = 2;
        }
        foreach (var f in folders) if (state[f] == 0) Visit(f);
    }

    [GeneratedRegex(@"\bAnalysis\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
