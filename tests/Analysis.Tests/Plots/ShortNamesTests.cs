using Analysis.Plots;

namespace Analysis.Tests.Plots;

/// <summary>The axis labels of layer plots: block numbers where the hooks allow, the names as they are otherwise.</summary>
public class ShortNamesTests
{
    [Theory]
    [InlineData("blocks.0.hook_resid_post|blocks.1.hook_resid_post", "0|1")]
    [InlineData("hook_embed|blocks.0.hook_resid_post|blocks.1.hook_resid_post", "embed|0|1")]
    [InlineData("blocks.0.hook_resid_post|blocks.0.attn.hook_z", "blocks.0.hook_resid_post|blocks.0.attn.hook_z")]
    [InlineData("hook_embed|ln_final.hook_normalized", "hook_embed|ln_final.hook_normalized")]
    [InlineData("blocks.2.hook_resid_post|ln_final.hook_normalized", "blocks.2.hook_resid_post|ln_final.hook_normalized")]
    public void ShortensOnlyWhatStaysUnambiguous(string hooks, string expected) =>
        Assert.Equal(expected.Split('|'), HtmlPage.ShortNames(hooks.Split('|')));
}
