using System.Globalization;
using System.Text;
using System.Text.Json;
using Analysis.Plots;

namespace Analysis.Sae;

/// <summary>
/// The self-contained feature dashboard: the data of every feature as one embedded JSON document (token strings once,
/// the token ids of each sequence once, contexts as references into them with window activations quantised to
/// 0–255 of the feature's maximum), and a small script that lists, searches and filters features (rendering at most a
/// page of rows) and draws one feature's panel when it is chosen, so 16k features never make 16k DOM panels.
/// </summary>
internal static class FeatureDashboardPage
{
    public static string Render(string title, SaeFeaturesResult result, IReadOnlyList<FeatureSummary> summaries,
        IReadOnlyList<FeatureLogits> logits, List<int[]> sequences, string[] tokenText)
    {
        // Only sequences some context points into are embedded, renumbered in order of first use.
        var used = new Dictionary<int, int>();
        int Seq(int s) => used.TryGetValue(s, out var i) ? i : used[s] = used.Count;
        var json = new StringBuilder(1 << 20);
        json.Append("{\"meta\":").Append(JsonSerializer.Serialize(new
        {
            title, sae = result.Sae, hook = result.Hook, model = result.Model, tokens = result.Tokens, sequences = result.Sequences,
            dSae = result.DSae, features = result.Features, dead = result.Dead, logitEffect = result.LogitEffect,
        }));
        json.Append(",\"f\":[");
        for (var i = 0; i < summaries.Count; i++)
        {
            var s = summaries[i];
            var l = logits[i];
            if (i > 0) json.Append(',');
            json.Append('[').Append(s.Feature).Append(',').Append(s.Count).Append(',').Append(G(s.Density)).Append(',').Append(G(s.MeanActivation))
                .Append(',').Append(G(s.MaxActivation)).Append(',').Append(G(s.HistogramWidth)).Append(",[").AppendJoin(',', s.Histogram).Append("],[")
                .AppendJoin(',', l.Top.Select(t => t.Id)).Append("],[").AppendJoin(',', l.Top.Select(t => G(t.Value))).Append("],[")
                .AppendJoin(',', l.Bottom.Select(t => t.Id)).Append("],[").AppendJoin(',', l.Bottom.Select(t => G(t.Value))).Append("],[");
            for (var j = 0; j < s.Top.Count; j++) Context(j > 0, -1, s.Top[j], s.MaxActivation);
            json.Append("],[");
            for (var j = 0; j < s.Quantiles.Count; j++) Context(j > 0, s.Quantiles[j].Bin, s.Quantiles[j].Example, s.MaxActivation);
            json.Append("]]");
        }
        json.Append("],\"seqs\":[");
        var order = new int[used.Count];
        foreach (var (s, i) in used) order[i] = s;
        for (var i = 0; i < order.Length; i++) json.Append(i > 0 ? ",[" : "[").AppendJoin(',', sequences[order[i]]).Append(']');
        json.Append("],\"vocab\":").Append(JsonSerializer.Serialize(tokenText)).Append('}');

        void Context(bool comma, int bin, FeatureExample e, float max)
        {
            if (comma) json.Append(',');
            json.Append('[');
            if (bin >= 0) json.Append(bin).Append(',');
            json.Append(Seq(e.Sequence)).Append(',').Append(e.Position).Append(',').Append(G(e.Activation)).Append(',').Append(e.Start).Append(",[")
                .AppendJoin(',', e.Window.Select(v => max > 0 ? (int)Math.Round(255.0 * v / max) : 0)).Append("]]");
        }

        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{HtmlPage.Escape(title)}}</title>
            <style>{{Css}}</style></head>
            <body>
            <h1>{{HtmlPage.Escape(title)}}</h1>
            <p id="summary"></p>
            <div class="layout"><div class="left">
            <div class="controls">
            <input id="q" type="search" placeholder="feature id, or a token it fires on / promotes" aria-label="search">
            <label>log10 density <input id="dmin" type="number" step="0.5" placeholder="min"> to <input id="dmax" type="number" step="0.5" placeholder="max"></label>
            <label>sort <select id="sort"><option value="id">id</option><option value="density">density ↓</option><option value="max">max activation ↓</option></select></label>
            <label><input id="live" type="checkbox" checked> live only</label>
            </div>
            <p id="count"></p>
            <table id="list"><thead><tr><th>id</th><th>density</th><th>max</th><th>top tokens</th><th>top logits</th></tr></thead><tbody></tbody></table>
            <button id="more" type="button">show more</button>
            </div>
            <div class="right"><div id="panel"><p>Choose a feature.</p></div></div></div>
            <script type="application/json" id="data">{{json.ToString().Replace("</", "<\\/", StringComparison.Ordinal)}}</script>
            <script>{{Script}}</script>
            </body></html>
            """;
    }

    private static string G(double v) => double.IsFinite(v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "0";

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#222}
        h1{font-size:20px;margin:0 0 4px}h3{font-size:15px;margin:14px 0 4px}
        .layout{display:flex;gap:16px;align-items:flex-start}.left{flex:0 0 560px}.right{flex:1;position:sticky;top:8px;max-height:96vh;overflow:auto}
        .controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center}.controls input[type=number]{width:60px}#q{width:100%}
        table{border-collapse:collapse;font-size:13px;width:100%}td,th{border-bottom:1px solid #eee;padding:2px 6px;text-align:left;vertical-align:top}
        #list tbody tr{cursor:pointer}#list tbody tr:hover{background:#f0f6ff}#list tr.sel{background:#dbeafe}
        .tok{white-space:pre;border-radius:2px;padding:0 1px;font-family:ui-monospace,monospace;font-size:12.5px}
        .ctx{margin:2px 0;padding:2px 4px;border-left:3px solid #eee;overflow-x:auto;white-space:nowrap}.ctx .hi{outline:1.5px solid #D55E00}
        .act{display:inline-block;width:56px;color:#666;font-size:12px}
        .logits{display:flex;gap:24px}.pos{color:#0072B2}.neg{color:#D55E00}
        svg.plot{background:#fff;border:1px solid #e3e3e3;border-radius:4px}svg .tick{font-size:10px;fill:#444}
        #panel{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
        """;

    // Runs in the browser. Ends with a self-check: the list renders, a search for a feature's own top token lists that
    // feature, and its panel draws a histogram with marks; the verdict lands in data-check ("ok" or the failure).
    private const string Script = """
        (function(){
        var t0=performance.now(),D=JSON.parse(document.getElementById('data').textContent),V=D.vocab,S=D.seqs,F=D.f,M=D.meta;
        var shown=100,selected=-1,$=function(id){return document.getElementById(id)};
        function esc(t){return t.replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]})}
        function fmt(v){return Math.abs(v)>=100||v===0?v.toFixed(0):v.toPrecision(3)}
        function tok(id){var t=V[id];return t===undefined?'#'+id:t.replace(/\n/g,'⏎')}
        var topToks=F.map(function(f){var seen={},out=[];f[11].forEach(function(c){var t=tok(S[c[0]][c[1]]);if(!seen[t]){seen[t]=1;out.push(t)}});return out});
        var logitToks=F.map(function(f){return f[7].map(tok)});
        var index={};F.forEach(function(f,i){index[f[0]]=i});
        $('summary').textContent=M.features+' of '+M.dSae+' features of '+M.hook+' on '+M.tokens.toLocaleString()+' tokens ('+M.sequences+' texts); '+M.dead+' never fired. Logit effect: '+M.logitEffect+'.';
        function matches(){
          var q=$('q').value.trim().toLowerCase(),lo=parseFloat($('dmin').value),hi=parseFloat($('dmax').value),live=$('live').checked,id=/^#?\d+$/.test(q)?parseInt(q.replace('#',''),10):-1,out=[];
          for(var i=0;i<F.length;i++){var f=F[i];
            if(id>=0){if(f[0]===id)out.push(i);continue}
            if(live&&f[1]===0)continue;
            var ld=f[1]>0?Math.log10(f[2]):-Infinity;if(!isNaN(lo)&&ld<lo)continue;if(!isNaN(hi)&&ld>hi)continue;
            if(q){var hit=false,a=topToks[i],b=logitToks[i];for(var j=0;j<a.length&&!hit;j++)if(a[j].trim().toLowerCase().indexOf(q)>=0)hit=true;
              for(var j=0;j<b.length&&!hit;j++)if(b[j].trim().toLowerCase().indexOf(q)>=0)hit=true;if(!hit)continue}
            out.push(i)}
          var s=$('sort').value;if(s==='density')out.sort(function(a,b){return F[b][2]-F[a][2]});else if(s==='max')out.sort(function(a,b){return F[b][4]-F[a][4]});
          return out}
        var current=[];
        function list(){current=matches();var body=$('list').tBodies[0],html=[];
          for(var k=0;k<Math.min(shown,current.length);k++){var i=current[k],f=F[i];
            html.push('<tr data-i="'+i+'"'+(i===selected?' class="sel"':'')+'><td>'+f[0]+'</td><td>'+(f[1]>0?f[2].toExponential(1):'dead')+'</td><td>'+fmt(f[4])+'</td><td>'+topToks[i].slice(0,4).map(function(t){return '<span class="tok">'+esc(t)+'</span>'}).join(' ')+'</td><td>'+logitToks[i].slice(0,3).map(function(t){return '<span class="tok">'+esc(t)+'</span>'}).join(' ')+'</td></tr>')}
          body.innerHTML=html.join('');$('count').textContent=current.length+' features match'+(current.length>shown?' (first '+shown+' listed)':'');
          $('more').style.display=current.length>shown?'':'none'}
        function ctx(c,q,max){var o=q?1:0,s=S[c[o]],pos=c[o+1],act=c[o+2],start=c[o+3],w=c[o+4],h=['<div class="ctx"><span class="act">'+fmt(act)+'</span>'];
          for(var j=0;j<w.length;j++){var a=w[j]/255,v=a*max,p=start+j;
            h.push('<span class="tok'+(p===pos?' hi':'')+'" style="background:rgba(230,97,1,'+a.toFixed(2)+')" title="'+esc(tok(s[p]))+': '+(p===pos?fmt(act):fmt(v))+'">'+esc(tok(s[p]))+'</span>')}
          return h.join('')+'</div>'}
        function histogram(f){var bins=f[6],width=f[5],W=420,H=110,L=36,B=20,n=Math.max(bins.length,1),top=Math.max.apply(null,bins.concat([1])),bw=(W-L-6)/n,h=[];
          h.push('<svg class="plot" width="'+W+'" height="'+H+'" role="img" aria-label="activation histogram">');
          bins.forEach(function(c,b){var y=(H-B)*c/top;if(c>0)h.push('<rect class="mark" x="'+(L+b*bw).toFixed(1)+'" y="'+(H-B-y).toFixed(1)+'" width="'+Math.max(bw-1,1).toFixed(1)+'" height="'+Math.max(y,1).toFixed(1)+'" fill="#0072B2"><title>['+fmt(b*width)+', '+fmt((b+1)*width)+'): '+c+'</title></rect>')});
          h.push('<text class="tick" x="'+L+'" y="'+(H-6)+'">0</text><text class="tick" x="'+(W-6)+'" y="'+(H-6)+'" text-anchor="end">'+fmt(n*width)+'</text><text class="tick" x="'+(L-4)+'" y="12" text-anchor="end">'+top+'</text></svg>');
          return h.join('')}
        function panel(i){selected=i;var f=F[i],h=[];
          h.push('<h2>Feature '+f[0]+'</h2><p>fires on '+f[1].toLocaleString()+' of '+M.tokens.toLocaleString()+' tokens — density '+(f[1]>0?f[2].toExponential(2)+' (log10 '+Math.log10(f[2]).toFixed(2)+')':'0 (dead)')+'; mean activation '+fmt(f[3])+', max '+fmt(f[4])+'</p>');
          if(f[1]>0)h.push('<h3>Activation histogram (nonzero)</h3>'+histogram(f));
          if(f[7].length){h.push('<h3>Logit effect</h3><div class="logits"><table><tr><th>promotes</th><th></th></tr>');
            f[7].forEach(function(t,k){h.push('<tr><td class="tok">'+esc(tok(t))+'</td><td class="pos">+'+fmt(f[8][k])+'</td></tr>')});
            h.push('</table><table><tr><th>suppresses</th><th></th></tr>');
            f[9].forEach(function(t,k){h.push('<tr><td class="tok">'+esc(tok(t))+'</td><td class="neg">'+fmt(f[10][k])+'</td></tr>')});h.push('</table></div>')}
          if(f[11].length){h.push('<h3>Top activations</h3>');f[11].forEach(function(c){h.push(ctx(c,false,f[4]))})}
          if(f[12].length){var bin=-1;h.push('<h3>Quantile samples</h3>');
            f[12].forEach(function(c){if(c[0]!==bin){bin=c[0];h.push('<div><b>quantile bin '+(bin+1)+'</b></div>')}h.push(ctx(c,true,f[4]))})}
          $('panel').innerHTML=h.join('');list()}
        $('list').addEventListener('click',function(e){var r=e.target.closest('tr[data-i]');if(r)panel(+r.getAttribute('data-i'))});
        ['q','dmin','dmax','sort','live'].forEach(function(id){$(id).addEventListener('input',function(){shown=100;list()})});
        $('more').addEventListener('click',function(){shown+=200;list()});
        var hash=new URLSearchParams(location.hash.slice(1));if(hash.get('q'))$('q').value=hash.get('q');
        list();
        if(hash.get('f')&&index[+hash.get('f')]!==undefined)panel(index[+hash.get('f')]);else if(current.length)panel(current[0]);
        document.body.setAttribute('data-listed',String(current.length));
        // Self-check (then the user's state is put back).
        var verdict='ok';try{
          var probe=-1;for(var i=0;i<F.length&&probe<0;i++)if(F[i][1]>0&&topToks[i].length&&topToks[i][0].trim())probe=i;
          if(probe>=0){var keep=$('q').value;$('q').value=topToks[probe][0].trim();var found=matches().indexOf(probe)>=0;$('q').value=keep;if(!found)verdict='search for "'+topToks[probe][0]+'" does not list feature '+F[probe][0]}
          if(verdict==='ok'&&selected>=0&&F[selected][1]>0){var marks=$('panel').querySelectorAll('.mark'),drawn=0;marks.forEach(function(m){var b=m.getBBox();if(b.width>0&&b.height>0)drawn++});if(!drawn)verdict='the panel drew no histogram marks'}
          if(verdict==='ok'&&!$('list').tBodies[0].rows.length&&F.length)verdict='the list is empty'
        }catch(e){verdict='error: '+e.message}
        if(verdict!=='ok')console.error('dashboard check: '+verdict);
        document.body.setAttribute('data-check',verdict);
        document.body.setAttribute('data-ms',String(Math.round(performance.now()-t0))); // parse, list, panel and check
        })();
        """;
}
