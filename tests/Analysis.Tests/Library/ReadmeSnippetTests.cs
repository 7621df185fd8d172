using Analysis.Extraction;
using Analysis.Parquet;
using Analysis.Tests.Extraction;
using Analysis.Tests.Verification;

namespace Analysis.Tests.Library;

/// <summary>The snippet runs with the current directory set, so nothing else may run beside it.</summary>
[CollectionDefinition(nameof(CurrentDirectory), DisableParallelization = true)]
public sealed class CurrentDirectory;

/// <summary>
/// The README's library snippet is the code between the markers below, character for character (after removing the
/// method's indentation): <see cref="TheReadmeShowsExactlyThisSnippet"/> checks it, and <see cref="TheSnippetRuns"/> runs it
/// from a folder that sees the repository's onnx-models/, then checks what it produced.
/// </summary>
[Collection(nameof(CurrentDirectory))]
public class ReadmeSnippetTests
{
    private const string Begin = "// README snippet begins", End = "// README snippet ends";

    [Fact]
    public void TheSnippetRuns()
    {
        using var dir = new TempDirectory();
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "onnx-models"), Path.Combine(Models.Root, "onnx-models"));
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir.Path;
        try
        {
            // README snippet begins
            using var model = LanguageModel.Load("onnx-models/stories260k/model.onnx");    // tokenizer.json beside it
            string[] texts = ["Once upon a time there was a cat.", "The dog ran to the big park."];
            var cache = model.RunWithCache(texts, ["blocks.*.hook_resid_post"]);
            var resid = cache["blocks.3.hook_resid_post"];                                 // [tokens, d_model]
            Console.WriteLine($"{resid.Rows}x{resid.Columns}; token 1 is '{cache.Tokens[1].Token}' at {cache.Tokens[1].Start}");
            var last = model.RunWithCache(texts, ["blocks.4.hook_resid_post"], new RunOptions { Positions = PositionMode.Last });
            File.WriteAllLines("texts.txt", texts);                                         // or .jsonl, .csv, .parquet
            model.Extract("texts.txt", "acts", ["blocks.*.hook_resid_post"]);               // the same, streamed to Parquet
            // README snippet ends

            var tokenized = texts.Select(t => model.Tokenizer.Encode(t)).ToArray();
            Assert.Equal(tokenized.Sum(t => t.Count), resid.Rows);
            Assert.Equal(64, resid.Columns);
            Assert.Equal([64], cache.TokenShape("blocks.3.hook_resid_post"));
            Assert.Equal(["blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "blocks.2.hook_resid_post", "blocks.3.hook_resid_post", "blocks.4.hook_resid_post"], cache.Hooks);
            // Rows are the tokens in order, with the tokenizer's strings and offsets into each text.
            var second = cache.Tokens[tokenized[0].Count + 2];
            Assert.Equal((1, 2, tokenized[1].Ids[2]), (second.Example, second.Position, second.Id));
            Assert.Equal(texts[1][tokenized[1].Offsets[2].Start..tokenized[1].Offsets[2].End], texts[1][second.Start..second.End]);
            Assert.Equal(model.Tokenizer.IdToToken(second.Id), second.Token);

            // Last positions: one row per text, equal to that token's row of the full run.
            Assert.Equal(2, last.Tokens.Count);
            var full = model.RunWithCache(texts, ["blocks.4.hook_resid_post"]);
            for (int i = 0; i < 2; i++)
            {
                var row = full.Tokens.ToList().FindIndex(t => t.Example == last.Tokens[i].Example && t.Position == last.Tokens[i].Position);
                Assert.Equal(tokenized[i].Count - 1, last.Tokens[i].Position);
                Assert.Equal(full["blocks.4.hook_resid_post"].Row(row).ToArray(), last["blocks.4.hook_resid_post"].Row(i).ToArray());
            }

            // The dataset holds the same activations (extraction batches differently, so within float rounding).
            using var part = ParquetReader.Open(Path.Combine(dir.Path, "acts", "part-00000.parquet"));
            Assert.Equal(resid.Rows, part.RowCount);
            var stored = part.ReadFloatMatrix(0, "blocks.3.hook_resid_post", out var dim);
            var ids = part.ReadColumn(0, "example_id").Values<long>().ToArray();
            var positions = part.ReadColumn(0, "position").Values<int>().ToArray();
            for (int r = 0; r < ids.Length; r++)
            {
                var row = cache.Tokens.ToList().FindIndex(t => t.Example == ids[r] && t.Position == positions[r]);
                for (int k = 0; k < dim; k++) Assert.Equal(resid.Row(row)[k], stored[r * dim + k], 1e-4f);
            }
            Assert.Contains("no hook 'blocks.9.hook_resid_post'", Assert.Throws<BadInputException>(() => cache["blocks.9.hook_resid_post"]).Message);
        }
        finally { Environment.CurrentDirectory = previous; }
    }

    [Fact]
    public void TheReadmeShowsExactlyThisSnippet()
    {
        var source = File.ReadAllLines(Path.Combine(Models.Root, "tests", "Analysis.Tests", "Library", "ReadmeSnippetTests.cs"));
        int begin = Array.FindIndex(source, l => l.Trim() == Begin), end = Array.FindIndex(source, l => l.Trim() == End);
        var indent = source[begin].Length - source[begin].TrimStart().Length;
        var snippet = source[(begin + 1)..end].Select(l => l[indent..]).ToArray();
        Assert.InRange(snippet.Length, 1, 10);

        var readme = File.ReadAllLines(Path.Combine(Models.Root, "README.md"));
        int open = Array.IndexOf(readme, "<!-- library snippet: tests/Analysis.Tests/Library/ReadmeSnippetTests.cs -->");
        Assert.True(open >= 0, "README.md lacks the library snippet marker.");
        Assert.Equal("```csharp", readme[open + 1]);
        int close = Array.IndexOf(readme, "```", open + 2);
        Assert.Equal(snippet, readme[(open + 2)..close]);
    }
}
