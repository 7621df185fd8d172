namespace Analysis.Tokenizers.Tests;

/// <summary>Loading forms, vocabulary lookups, BOS/EOS flags and round trips.</summary>
public class ApiTests
{
    [Fact]
    public void Load_accepts_a_folder_a_json_file_and_a_tokenizer_bin()
    {
        Assert.IsType<HuggingFaceTokenizer>(Tokenizer.Load(Path.Combine(TestData.Dir, "Data", "gpt2")));
        Assert.IsType<HuggingFaceTokenizer>(Tokenizer.Load(TestData.TokenizerPath("gpt2")));
        Assert.IsType<Llama2cTokenizer>(Tokenizer.Load(TestData.TokenizerPath("tok512")));
    }

    [Fact]
    public void Vocabulary_lookups_and_sizes_match_the_files()
    {
        var gpt2 = TestData.Load("gpt2");
        Assert.Equal(50257, gpt2.VocabSize);
        Assert.Equal(15496, gpt2.TokenToId("Hello"));
        Assert.Equal("Hello", gpt2.IdToToken(15496));
        Assert.Equal(50256, gpt2.TokenToId("<|endoftext|>"));
        Assert.Null(gpt2.TokenToId("no such token"));
        Assert.Null(gpt2.IdToToken(-1));
        Assert.Equal(128256, TestData.Load("llama3").VocabSize);
        Assert.Equal(32100, TestData.Load("t5").VocabSize);
        Assert.Equal(512, TestData.Load("tok512").VocabSize);
        Assert.Equal(32000, TestData.Load("llama2-sp").VocabSize);
    }

    [Fact]
    public void Bos_eos_and_pad_come_from_tokenizer_config_and_the_post_processor()
    {
        var mistral = TestData.Load("mistral-sp-bpe");
        Assert.Equal((1, 2, true, false), (mistral.BosId, mistral.EosId, mistral.AddsBos, mistral.AddsEos));
        var llama3 = TestData.Load("llama3");
        Assert.Equal((128000, 128001, false), (llama3.BosId, llama3.EosId, llama3.AddsBos)); // its post-processor adds nothing
        var t5 = TestData.Load("t5");
        Assert.Equal((1, true, 0), (t5.EosId, t5.AddsEos, t5.PadId));
        var bert = TestData.Load("bert-minilm");
        Assert.Equal((101, 102, 0), (bert.BosId, bert.EosId, bert.PadId));
        Assert.Equal(1, TestData.Load("tok512").Encode("hi").Ids[0]);
        Assert.Empty(TestData.Load("tok512").Encode("", addSpecialTokens: false).Ids);
    }

    [Fact]
    public void Add_bos_token_in_tokenizer_config_overrides_the_post_processor()
    {
        var dir = Directory.CreateTempSubdirectory("tokenizer-config-").FullName;
        try
        {
            File.Copy(TestData.TokenizerPath("mistral-sp-bpe"), Path.Combine(dir, "tokenizer.json"));
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"bos_token": "<s>", "eos_token": "</s>", "add_bos_token": false, "add_eos_token": true}""");
            var t = Tokenizer.Load(dir);
            var reference = TestData.Load("mistral-sp-bpe").Encode("Hello world", addSpecialTokens: false).Ids;
            Assert.Equal([.. reference, 2], t.Encode("Hello world").Ids);
            Assert.Equal((false, true), (t.AddsBos, t.AddsEos));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Offsets_point_into_the_original_string_after_normalization()
    {
        // BERT lowercases, strips accents and drops control characters; offsets still index the caller's text.
        const string text = "Ünïcödé\u0007 CAFÉ";
        var e = TestData.Load("bert-minilm").Encode(text, addSpecialTokens: false);
        var words = e.Offsets.Select(o => text[o.Start..o.End]).ToArray();
        Assert.Equal(string.Concat(words), text.Replace("\u0007", "").Replace(" ", ""));
    }

    public static TheoryData<string> Names => GoldenTests.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Decode_of_encode_round_trips_wherever_the_reference_does(string name)
    {
        var tokenizer = TestData.Load(name);
        var golden = TestData.Golden(name + ".jsonl");
        int roundTrips = 0, checkedLines = 0;
        var failures = new List<string>();
        for (var i = 0; i < golden.Length; i++)
        {
            var text = TestData.Corpus[i];
            if (golden[i].DecodedSkipSpecial != text) continue; // the reference itself does not round-trip this line
            checkedLines++;
            var decoded = tokenizer.Decode(tokenizer.Encode(text).Ids, skipSpecialTokens: true);
            if (decoded == text) roundTrips++;
            else if (failures.Count < 5) failures.Add($"line {i + 1}: {GoldenTests.Show(text)} -> {GoldenTests.Show(decoded)}");
        }
        Assert.True(checkedLines > 0, $"{name}: the reference round-trips no line");
        Assert.True(checkedLines == roundTrips, $"{name}: {checkedLines - roundTrips} of {checkedLines} lines do not round-trip:\n{string.Join('\n', failures)}");
    }
}
