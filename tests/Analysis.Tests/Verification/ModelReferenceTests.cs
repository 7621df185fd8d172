using Analysis.Verification;

namespace Analysis.Tests.Verification;

public class ModelReferenceTests
{
    [Theory]
    [MemberData(nameof(Models.All), MemberType = typeof(Models))]
    public void LoadsEveryCommittedReference(string name)
    {
        var r = ModelReference.Load(Path.Combine(Models.Folder(name), "reference.json"));
        Assert.Equal(name, r.Model);
        Assert.NotEmpty(r.Cases);
        foreach (var c in r.Cases)
        {
            Assert.Equal(c.LogitsShape.Aggregate(1L, (a, b) => a * b), c.Logits.LongLength);
            var ids = c.Inputs["input_ids"];
            Assert.Equal([c.LogitsShape[0], c.LogitsShape[1]], ids.Shape);
            Assert.Equal(ids.Shape, c.Inputs["attention_mask"].Shape);
        }
        Assert.Equal(name == "bert-tiny", r.Cases[0].Inputs.ContainsKey("token_type_ids"));
    }

    [Fact]
    public void StoriesReferenceHoldsTheGreedyContinuation()
    {
        var g = ModelReference.Load(Path.Combine(Models.Folder("stories260k"), "reference.json")).Generation!;
        Assert.Equal([1L, 403, 407, 261, 378], g.PromptIds); // <s> "Once upon a time", also in tokenizer_reference.json
        Assert.True(g.NewIds.Length >= 60);
        Assert.Contains("Lily", g.Text);
    }

    [Theory]
    [InlineData("{\"format\":\"other/1\",\"tolerance\":{\"abs\":1},\"cases\":[]}", "format 'other/1'")]
    [InlineData("{\"format\":\"analysis-reference/1\",\"cases\":[]}", "lacks the field 'tolerance'")]
    [InlineData("{\"format\":\"analysis-reference/1\",\"tolerance\":{\"abs\":1},\"cases\":[]}", "no cases")]
    [InlineData("{\"format\":\"analysis-reference/1\",\"tolerance\":{\"abs\":1},\"cases\":[{\"name\":\"c\",\"inputs\":{\"input_ids\":[[1,2]]},\"logits_shape\":[1,2,2],\"logits\":[1,2,3]}]}", "does not match the 3 logits")]
    [InlineData("{\"format\":\"analysis-reference/1\",\"tolerance\":{\"abs\":1},\"cases\":[{\"name\":\"c\",\"inputs\":{\"input_ids\":[[1,2],[3]]},\"logits_shape\":[1],\"logits\":[1]}]}", "rows of different lengths")]
    [InlineData("{\"format\":\"analysis-reference/1\",\"tolerance\":{\"abs\":\"x\"},\"cases\":[]}", "not a valid")]
    [InlineData("{\"format\": ", "not a valid")]
    public void RejectsMalformedFilesWithOneClearSentence(string json, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"reference-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var e = Assert.Throws<BadInputException>(() => ModelReference.Load(path));
            Assert.Contains(expected, e.Message);
            Assert.Contains(path, e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void MissingFileIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ModelReference.Load(Path.Combine(Path.GetTempPath(), "no-such-reference.json")));
}
