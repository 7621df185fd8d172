using System.Security.Cryptography;
using Analysis.Extraction.Sources;

namespace Analysis.Tests.Extraction;

public class ExampleSourceTests
{
    [Fact]
    public void JsonLinesKeepLabelTypesAndStreamInOrder()
    {
        using var dir = new TempDirectory();
        var path = dir.File("d.jsonl", """
            {"text": "There are 347 apples", "n": 347, "w": 0.5, "ok": true, "tag": "a"}

            {"text": "Two cats", "n": 2, "w": 1, "ok": false, "tag": null}
            """);
        var source = ExampleSource.Open(path, new SourceOptions(SpanField: null));
        Assert.Equal(2, source.Schema.Rows);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), source.Schema.Sha256);
        Assert.Equal(
            [new LabelColumn("n", LabelType.Int64), new LabelColumn("w", LabelType.Double), new LabelColumn("ok", LabelType.Boolean), new LabelColumn("tag", LabelType.String)],
            source.Schema.Labels);
        var examples = source.Read().ToList();
        Assert.Equal([0L, 1L], examples.Select(e => e.Id));
        Assert.Equal("Two cats", examples[1].Text);
        Assert.Equal(new object?[] { 2L, 1.0, false, null }, examples[1].Labels);
        Assert.Equal(new object?[] { 347L, 0.5, true, "a" }, examples[0].Labels);
        Assert.Single(source.Read(skip: 1));
    }

    [Fact]
    public void SpansComeFromOffsetsColonPairsOrSubstringsInCodePoints()
    {
        using var dir = new TempDirectory();
        // The emoji is one code point but two UTF-16 units: offsets are code points, as in Python.
        var path = dir.File("d.jsonl", """
            {"text": "😀 There are 347 apples", "span": [12, 15]}
            {"text": "😀 There are 347 apples", "span": "347"}
            {"text": "😀 There are 347 apples", "span": "12:15"}
            """);
        var source = ExampleSource.Open(path, new SourceOptions(SpanField: "span"));
        Assert.Empty(source.Schema.Labels);
        foreach (var e in source.Read())
        {
            var span = e.Span!.Value;
            Assert.Equal("347", e.Text[span.Start..span.End]);
        }
    }

    [Fact]
    public void CsvHandlesQuotesDelimitersAndNewlinesInFields()
    {
        using var dir = new TempDirectory();
        var path = dir.File("d.csv", "text,label\n\"Hello, world\",1\n\"She said \"\"hi\"\"\nand left\",2\nplain,\n");
        var source = ExampleSource.Open(path);
        var rows = source.Read().ToList();
        Assert.Equal(["Hello, world", "She said \"hi\"\nand left", "plain"], rows.Select(r => r.Text));
        Assert.Equal(new LabelColumn("label", LabelType.Int64), source.Schema.Labels.Single());
        Assert.Null(rows[2].Labels[0]);
    }

    [Fact]
    public void TsvAndTextLinesAndTextFolders()
    {
        using var dir = new TempDirectory();
        var tsv = dir.File("d.tsv", "id\ttext\nx1\tone, two\n");
        Assert.Equal("one, two", ExampleSource.Open(tsv).Read().Single().Text);

        var txt = dir.File("d.txt", "first line\n\n  \nsecond line\r\n");
        var lines = ExampleSource.Open(txt).Read().ToList();
        Assert.Equal(["first line", "second line"], lines.Select(l => l.Text));
        Assert.Equal([1L, 4L], lines.Select(l => (long)l.Labels[0]!));

        var folder = Path.Combine(dir.Path, "docs");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "b.txt"), "second");
        File.WriteAllText(Path.Combine(folder, "a.txt"), "first\nstill first");
        var files = ExampleSource.Open(folder).Read().ToList();
        Assert.Equal(["first\nstill first", "second"], files.Select(f => f.Text));
        Assert.Equal(["a.txt", "b.txt"], files.Select(f => (string)f.Labels[0]!));
    }

    [Theory]
    [InlineData("{\"txt\": \"no text field\"}\n", "line 1", "no 'text' field")]
    [InlineData("{\"text\": \"ok\"}\n{\"text\": \"\"}\n", "line 2", "text is empty")]
    [InlineData("{\"text\": \"ok\"}\nnot json\n", "line 2", "not valid JSON")]
    [InlineData("[1, 2]\n", "line 1", "must be a JSON object")]
    [InlineData("\n\n", "d.jsonl", "no examples")]
    public void BadInputIsOneClearSentenceNamingThePlace(string content, string where, string what)
    {
        using var dir = new TempDirectory();
        var path = dir.File("d.jsonl", content);
        var e = Assert.Throws<BadInputException>(() => ExampleSource.Open(path));
        Assert.Contains(what, e.Message);
        Assert.Contains(where.StartsWith("line") ? $"d.jsonl:{where[5..]}" : where, e.Message);
    }

    [Fact]
    public void NonUtf8LineIsReportedWithItsNumber()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "latin1.txt");
        File.WriteAllBytes(path, [.. "good line\n"u8, .. "caf"u8, 0xE9, (byte)'\n']);
        var e = Assert.Throws<BadInputException>(() => ExampleSource.Open(path));
        Assert.Contains("line 2 is not valid UTF-8", e.Message);
    }

    [Fact]
    public void MissingSpanAndUnknownLabelAreRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("d.jsonl", "{\"text\": \"There are 347 apples\", \"n\": \"348\"}\n");
        Assert.Contains("does not occur", Assert.Throws<BadInputException>(() => ExampleSource.Open(path, new SourceOptions(SpanField: "n"))).Message);
        Assert.Contains("no field 'label'", Assert.Throws<BadInputException>(() => ExampleSource.Open(path, new SourceOptions(LabelFields: ["label"]))).Message);
        Assert.Throws<FileNotFoundException>(() => ExampleSource.Open(Path.Combine(dir.Path, "missing.jsonl")));
        Assert.Throws<BadInputException>(() => ExampleSource.Open(dir.File("d.xlsx", "x")));
    }

    [Fact]
    public void CodePointOffsetsRoundTripThroughUtf16()
    {
        var text = "a😀b👩‍👧c";
        for (int cp = 0; cp <= text.EnumerateRunes().Count(); cp++)
            Assert.Equal(cp, CodePoints.FromUtf16(text, CodePoints.ToUtf16(text, cp)));
        Assert.Equal(2, CodePoints.ToUtf16(text, 2) - 1);
        Assert.False(CodePoints.IsBmpOnly(text));
        Assert.True(CodePoints.IsBmpOnly("plain é"));
    }
}
