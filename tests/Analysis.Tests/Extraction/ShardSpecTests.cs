using Analysis.Extraction.Dataset;

namespace Analysis.Tests.Extraction;

public class ShardSpecTests
{
    private static Func<string, string?> Env(params (string, string)[] vars) =>
        name => vars.FirstOrDefault(v => v.Item1 == name).Item2;

    [Fact]
    public void ShardsAreDisjointAndCoverEveryPart()
    {
        for (int n = 1; n <= 5; n++)
            for (long part = 0; part < 40; part++)
                Assert.Single(Enumerable.Range(0, n), i => new ShardSpec(i, n).Owns(part));
    }

    [Fact]
    public void ExplicitSlurmAndKubernetesResolve()
    {
        Assert.Equal(new ShardSpec(3, 8), ShardSpec.Resolve("3/8", null, Env()));
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"))));
        Assert.Equal(new ShardSpec(1, 4), ShardSpec.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "1"))));
        Assert.Equal(new ShardSpec(5, 6), ShardSpec.Resolve(null, 6, Env(("JOB_COMPLETION_INDEX", "5"))));
        Assert.Equal(ShardSpec.All, ShardSpec.Resolve(null, null, Env()));
    }

    [Theory]
    [InlineData("8/8")]
    [InlineData("-1/2")]
    [InlineData("1-2")]
    [InlineData("a/b")]
    public void MalformedShardIsRefused(string text) =>
        Assert.Contains("i/N", Assert.Throws<BadInputException>(() => ShardSpec.Parse(text)).Message);

    [Fact]
    public void IndexedJobWithoutCountIsRefused() =>
        Assert.Contains("--shard-count", Assert.Throws<BadInputException>(() => ShardSpec.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "0")))).Message);
}
