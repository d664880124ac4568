/// The report page's inline style sheet and script (no external resource of any kind).
enum ReportAssets {
    /// The style sheet.
    static let css = """
        :root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#fff}
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
        header{padding:12px 20px;border-bottom:1px solid var(--line)}
        header h1{margin:0;font-size:20px}
        header p{margin:2px 0 0;color:var(--muted)}
        main{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:16px;padding:16px 20px}
        section{min-width:0}
        h2{font-size:16px;margin:18px 0 8px}
        #map{width:100%;height:auto;border:1px solid var(--line);border-radius:8px;background:#fafafa;cursor:grab}
        .region{fill:#6366f1;fill-opacity:.05;stroke:#6366f1;stroke-opacity:.10;stroke-linejoin:round;stroke-linecap:round}
        .region.level-1{fill:#f59e0b;stroke:#f59e0b}
        .bubble circle{stroke:#fff;stroke-width:1;fill-opacity:.85}
        .bubble:hover circle,.bubble:focus circle,.bubble.selected circle{stroke:#111827;stroke-width:2;fill-opacity:1}
        .labels text{font-size:11px;text-anchor:middle;pointer-events:none;fill:#111827;paint-order:stroke;
          stroke:#fff;stroke-width:3px;stroke-opacity:.8}
        .legend{display:flex;gap:12px;flex-wrap:wrap;color:var(--muted);font-size:12px;margin:6px 0}
        .legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:-1px}
        aside{position:sticky;top:12px;align-self:start;border:1px solid var(--line);border-radius:8px;padding:12px;
          max-height:calc(100vh - 24px);overflow:auto}
        aside h3{margin:0 0 4px;font-size:16px;overflow-wrap:anywhere}
        aside .meta{color:var(--muted);margin:0 0 8px}
        aside blockquote{margin:6px 0;padding:4px 8px;border-left:3px solid var(--line);color:#374151;
          overflow-wrap:anywhere}
        .concepts{display:flex;flex-wrap:wrap;gap:4px;padding:0;list-style:none}
        .concepts li{background:#eef2ff;border-radius:10px;padding:1px 8px;font-size:12px}
        #tree .node{margin-left:14px}
        #tree>.node{margin-left:0}
        #tree summary,#tree .leaf{cursor:pointer;padding:1px 0}
        #tree .leaf{padding-left:14px}
        .row{display:inline-flex;gap:8px;align-items:center;max-width:100%}
        .row .name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:28em}
        .row .size{color:var(--muted);font-variant-numeric:tabular-nums}
        .row .growth{font-size:12px;font-weight:600}
        .row .lineage{color:var(--muted);font-size:12px}
        .node.selected>summary,.leaf.selected{background:#fef3c7}
        .spark{vertical-align:middle}
        .spark polyline{fill:none;stroke:#4f46e5;stroke-width:1.5}
        .spark circle{fill:#4f46e5}
        table.metrics td{padding:2px 10px 2px 0}
        table.metrics td:first-child{color:var(--muted)}
        @media (max-width:900px){main{grid-template-columns:1fr}aside{position:static}}
        """

    /// The script: the detail panel (hover or click a bubble or a tree row; text set with `textContent` only),
    /// selection across map and tree, wheel zoom and drag on the map; it records how long the page took to render
    /// in `data-render-ms` on the root element.
    static let script = """
        (function(){
          "use strict";
          var data=JSON.parse(document.getElementById("report-data").textContent);
          var byId={};data.clusters.forEach(function(c){byId[c.stableID]=c;});
          var panel=document.getElementById("detail");
          var map=document.getElementById("map");
          function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;
            if(cls)e.className=cls;return e;}
          function find(sel,id){var all=document.querySelectorAll(sel);
            for(var i=0;i<all.length;i++){if(all[i].getAttribute("data-id")===id)return all[i];}return null;}
          function growth(c){if(c.previousSize==null)return "new this run";
            var d=c.size-c.previousSize;return (d>=0?"+":"")+d+" since the previous run ("+c.previousSize+")";}
          function show(id){var c=byId[id];if(!c)return;
            panel.replaceChildren();
            panel.append(el("h3",c.name));
            panel.append(el("p","level "+c.level+" · "+c.size+" conversations · "+growth(c),"meta"));
            panel.append(el("p","id "+c.stableID+" · "+c.lineage+(c.previousStableIDs.length?" from "+
              c.previousStableIDs.join(", "):"")+(c.renamed?" · renamed":""),"meta"));
            if(c.description)panel.append(el("p",c.description));
            var node=find("#tree .node",id);var spark=node&&node.querySelector(".spark");
            if(spark){var s=el("p","sizes over the last runs ","meta");s.append(spark.cloneNode(true));panel.append(s);}
            if(c.topConcepts.length){panel.append(el("h4","Top concepts"));var ul=el("ul",null,"concepts");
              c.topConcepts.forEach(function(t){ul.append(el("li",t));});panel.append(ul);}
            if(!data.includesText){panel.append(el("p","Message text left out.","meta"));}
            else if(c.messages.length){panel.append(el("h4","Representative messages"));
              c.messages.forEach(function(m){panel.append(el("blockquote",m));});}
          }
          var selected=[];
          function select(id){show(id);selected.forEach(function(e){e.classList.remove("selected");});selected=[];
            var b=find("#map .bubble",id);if(b){b.classList.add("selected");selected.push(b);}
            var n=find("#tree .node",id);if(n){n.classList.add("selected");selected.push(n);
              for(var p=n.parentElement;p;p=p.parentElement){if(p.tagName==="DETAILS")p.open=true;}
              if(n.scrollIntoView)n.scrollIntoView({block:"nearest"});}}
          map.addEventListener("mouseover",function(e){var b=e.target.closest(".bubble");if(b)show(b.getAttribute("data-id"));});
          map.addEventListener("click",function(e){var b=e.target.closest(".bubble");if(b)select(b.getAttribute("data-id"));});
          map.addEventListener("keydown",function(e){var b=e.target.closest(".bubble");
            if(b&&(e.key==="Enter"||e.key===" ")){e.preventDefault();select(b.getAttribute("data-id"));}});
          document.getElementById("tree").addEventListener("click",function(e){
            var n=e.target.closest(".node");if(!n)return;var id=n.getAttribute("data-id");show(id);
            selected.forEach(function(x){x.classList.remove("selected");});selected=[n];n.classList.add("selected");
            var b=find("#map .bubble",id);if(b){b.classList.add("selected");selected.push(b);}});
          var view=map.viewBox.baseVal,W=view.width,H=view.height;
          map.addEventListener("wheel",function(e){e.preventDefault();var r=map.getBoundingClientRect();
            var f=e.deltaY>0?1.2:1/1.2;var w=Math.min(W*4,Math.max(W/40,view.width*f));var k=w/view.width;
            var px=view.x+(e.clientX-r.left)/r.width*view.width,py=view.y+(e.clientY-r.top)/r.height*view.height;
            view.x=px-(px-view.x)*k;view.y=py-(py-view.y)*k;view.width=w;view.height=view.height*k;},{passive:false});
          var drag=null;
          map.addEventListener("mousedown",function(e){drag={x:e.clientX,y:e.clientY};});
          window.addEventListener("mouseup",function(){drag=null;});
          window.addEventListener("mousemove",function(e){if(!drag)return;var r=map.getBoundingClientRect();
            view.x-=(e.clientX-drag.x)/r.width*view.width;view.y-=(e.clientY-drag.y)/r.height*view.height;
            drag={x:e.clientX,y:e.clientY};});
          var first=data.clusters.find(function(c){return c.level===0;});if(first)show(first.stableID);
          document.body.getBoundingClientRect();
          document.documentElement.setAttribute("data-render-ms",String(Math.round(performance.now())));
        })();
        """
}
