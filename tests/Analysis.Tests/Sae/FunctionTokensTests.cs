using Analysis.Sae;
using DuckDB.NET.Data;

namespace Analysis.Tests.Sae;

/// <summary>`sae function-tokens`: a planted function token reaches every latent; edge counts equal DuckDB's count over `sae encode`'s codes.</summary>
public sealed class FunctionTokensTests
{
    private const int D = 32;
    private const string Hook = "blocks.0.hook_resid_post";

    // ReLU SAE whose latent j reads and writes axis j: its codes are the positive coordinates of x.
    private static string AxisSae(string dir)
    {
        var eye = new float[D * D];
        for (var j = 0; j < D; j++) eye[j * D + j] = 1;
        new Analysis.Sae.Sae(SaeArchitecture.Relu, 0, new SaeWeights(D, D, eye, new float[D], (float[])eye.Clone(), new float[D]), new SaeInfo { HookName = Hook }).Save(dir);
        return dir;
    }

    [Fact]
    public void PlantedFunctionTokenReachesEveryLatent()
    {
        using var dir = new Extraction.TempDirectory();
        // Token 7 ("the") lights every axis; token 100 + j lights axis j only; token 300 lights nothing.
        var rng = new Random(1);
        var ids = new List<int>();
        var x = new List<float>();
        var expected = new Dictionary<(int, int), (long Count, double Mass)>();
        for (var i = 0; i < 3000; i++)
        {
            var row = new float[D];
            var kind = rng.Next(10);
            var id = kind == 0 ? 7 : kind == 1 ? 300 : 100 + rng.Next(D);
            if (id == 7) for (var j = 0; j < D; j++) row[j] = 0.5f + (float)rng.NextDouble();
            else if (id != 300) row[id - 100] = 0.5f + (float)rng.NextDouble();
            for (var j = 0; j < D; j++)
                if (row[j] > 0) { var e = expected.GetValueOrDefault((id, j)); expected[(id, j)] = (e.Count + 1, e.Mass + row[j]); }
            ids.Add(id);
            x.AddRange(row);
        }
        var texts = ids.Select(i => i == 7 ? "the" : i == 300 ? "," : $"w{i}").ToArray();
        var data = TokenDataset.Write(Path.Combine(dir.Path, "acts"), [.. x], D, [.. ids], texts, Hook, rowsPerGroup: 700);
        var r = FunctionTokens.Run(AxisSae(Path.Combine(dir.Path, "sae")), data, Path.Combine(dir.Path, "out"));

        Assert.Equal(3000, r.Tokens);
        Assert.Equal(D, r.LiveLatents);
        Assert.Equal(expected.Count, r.Edges);
        var top = r.TopByDegree[0];
        Assert.Equal((7, "▁the", D, 1.0), (top.TokenId, top.Token, top.Degree, top.DegreeFraction));
        Assert.Equal(ids.Count(i => i == 7), top.Frequency);
        Assert.All(r.TopByDegree.Skip(1).Take(D), t => Assert.Equal(1, t.Degree));
        Assert.Equal((1, 1), (r.TokensFor50, r.TokensFor90));
        Assert.Equal([1.0], r.CoverageGreedy);
        Assert.Equal(7, r.GreedyOrder[0]);
        // Every latent is reached by "the" and by its own word: degree 2, histogram bin 2 (2–3).
        Assert.All(r.FeatureDegree, f => Assert.Equal(2, f));
        Assert.Equal([0, 0, D], r.FeatureDegreeHistogram);
        // Tokens: "," reaches 0 latents, 32 words reach 1, "the" reaches 32 (bin 6: 32–63).
        Assert.Equal([1, D, 0, 0, 0, 0, 1], r.TokenDegreeHistogram);

        using var c = new DuckDBConnection("DataSource=:memory:");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT token_id, feature, count, mass, token FROM '{Path.Combine(dir.Path, "out", FunctionTokens.EdgesFile)}' ORDER BY token_id, feature";
        using var reader = q.ExecuteReader();
        var seen = 0;
        while (reader.Read())
        {
            var key = (reader.GetInt32(0), reader.GetInt32(1));
            Assert.True(expected.TryGetValue(key, out var e), $"unexpected edge {key}");
            Assert.Equal(e.Count, reader.GetInt64(2));
            Assert.Equal(e.Mass, reader.GetDouble(3), 1e-3);
            seen++;
        }
        Assert.Equal(expected.Count, seen);
    }

    [Fact]
    public void EdgeCountsEqualDuckDbGroupByOverEncodedCodes()
    {
        using var dir = new Extraction.TempDirectory();
        // Tokens with a Zipf-like id distribution whose activations mix a token-specific direction with noise, through a TopK SAE.
        var rng = new Random(2);
        const int rows = 5000, vocab = 60;
        var directions = Enumerable.Range(0, vocab).Select(_ => Enumerable.Range(0, D).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray()).ToArray();
        var ids = new int[rows];
        var x = new float[rows * D];
        for (var i = 0; i < rows; i++)
        {
            ids[i] = (int)Math.Min(vocab - 1, Math.Floor(Math.Exp(rng.NextDouble() * Math.Log(vocab))) - 1);
            for (var t = 0; t < D; t++) x[i * D + t] = directions[ids[i]][t] + 0.3f * (float)(rng.NextDouble() - 0.5);
        }
        var data = TokenDataset.Write(Path.Combine(dir.Path, "acts"), x, D, ids, [.. ids.Select(i => $"t{i}")], Hook, rowsPerGroup: 777);
        var saeDir = Path.Combine(dir.Path, "sae");
        new Analysis.Sae.Sae(SaeArchitecture.TopK, 3, SaeWeights.Initial(D, 48, new float[D], seed: 4), new SaeInfo { HookName = Hook }).Save(saeDir);
        var r = FunctionTokens.Run(saeDir, data, Path.Combine(dir.Path, "out"));
        SaeEncoding.Run(saeDir, data, Path.Combine(dir.Path, "codes"));

        // DuckDB joins each code (row, latent, value) to its row's token_id and counts; the two tables must agree exactly.
        using var c = new DuckDBConnection("DataSource=:memory:");
        c.Open();
        using var q = c.CreateCommand();
        var edges = Path.Combine(dir.Path, "out", FunctionTokens.EdgesFile);
        q.CommandText = $"""
            WITH tokens AS (SELECT file_row_number AS row, token_id FROM read_parquet('{Path.Combine(data, "part-00000.parquet")}', file_row_number = true)),
                 oracle AS (SELECT t.token_id, c.latent AS feature, count(*) AS n, sum(c.value) AS mass
                            FROM '{Path.Combine(dir.Path, "codes", SaeEncoding.CodesFile)}' c JOIN tokens t USING (row) WHERE c.value > 0 GROUP BY ALL)
            SELECT (SELECT count(*) FROM oracle), (SELECT count(*) FROM '{edges}'),
                   (SELECT count(*) FROM oracle o FULL OUTER JOIN '{edges}' e ON o.token_id = e.token_id AND o.feature = e.feature
                    WHERE o.n IS DISTINCT FROM e.count OR abs(o.mass - e.mass) > 1e-3 * (1 + abs(o.mass)) OR e.mass IS NULL OR o.mass IS NULL),
                   (SELECT count(DISTINCT token_id) FROM oracle)
            """;
        using var reader = q.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        Assert.Equal(r.Edges, reader.GetInt64(1));
        Assert.Equal(0, reader.GetInt64(2));
        Assert.True(reader.GetInt64(0) > vocab, $"only {reader.GetInt64(0)} edges: the check would be weak");
        // Degrees from the summary equal the oracle's distinct latents per token.
        q.CommandText = $"SELECT token_id, count(*) FROM '{edges}' GROUP BY token_id";
        using var degrees = q.ExecuteReader();
        var byToken = r.PerToken.ToDictionary(t => t.TokenId, t => t.Degree);
        while (degrees.Read()) Assert.Equal(degrees.GetInt64(1), byToken[degrees.GetInt32(0)]);
        // Greedy cover: each next token adds at least as many new latents as any later one could have.
        Assert.True(r.TokensFor50 <= r.TokensFor90 && r.TokensFor90 <= r.CoverageGreedy.Length);
        Assert.Equal(1.0, r.CoverageGreedy[^1], 12);
        Assert.Equal(1.0, r.CoverageByFrequency[^1], 12);
    }

    [Fact]
    public void DatasetWithoutTokenIdsIsRefusedAndNothingIsWritten()
    {
        using var dir = new Extraction.TempDirectory();
        var data = SyntheticDataset.Write(Path.Combine(dir.Path, "acts"), new float[100 * D], D);
        var output = Path.Combine(dir.Path, "out");
        var e = Assert.Throws<BadInputException>(() => FunctionTokens.Run(AxisSae(Path.Combine(dir.Path, "sae")), data, output));
        Assert.Contains("token_id", e.Message);
        Assert.False(Directory.Exists(output));
    }
}
