"""Page chrome of the ``dedecms`` demo theme: DedeCMS 5.7's default template.

XHTML 1.0 Transitional with ``charset=gb2312`` in a ``<meta http-equiv>``, the
``header_top`` / ``header`` / ``navMenu`` blocks, ``pleft`` + ``pright``
columns and the ``footer`` of the stock ``templets/default`` theme. Note the
logo: the stock header wraps it in ``<div class="title"><h1>`` (an image, no
text), so ``div.title`` alone does not find the headline; the article's is
``div.viewbox > div.title > h2``.

The chrome references ``/plus/ad_js.php`` ad scripts, the ``/member/`` area and
the ``/plus/search.php`` form, which robots.txt disallows.
"""

from __future__ import annotations

from newscrawl.demo.content import DemoSite
from newscrawl.demo.render import attr, esc
from newscrawl.demo.routes import DedeUrls

#: The ``<meta>`` every page declares (the bytes are GB18030, a superset of it).
CHARSET_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'

DEDE_STYLE = """
*{padding:0;margin:0}body{font:12px Verdana,Arial,Tahoma;color:#333;background:#fff}
a{color:#333;text-decoration:none}a:hover{color:#c00;text-decoration:underline}
ul,ol,li{list-style:none}img{border:none}.w960{width:960px}.center{margin:0 auto}
.mt1{margin-top:8px}.clear{clear:both;overflow:hidden}.fl{float:left}.fr{float:right}
.header_top{width:100%;height:25px;line-height:25px;border-bottom:1px solid #dbdbdb;background:#f5f5f5}
.header_top .time{float:left;padding-left:10px;color:#777}.header_top .toplinks{float:right;color:#777}
.header_top .toplinks a{margin:0 5px}.header_top .toplinks span{margin-left:15px}
.header{width:100%;overflow:hidden}.header .top{height:90px;overflow:hidden;margin-top:10px}
.header .title{width:240px;height:90px;float:left;overflow:hidden}
.header .banner{width:468px;height:60px;margin-top:15px;float:left;margin-left:10px;overflow:hidden}
.header .banner2{width:230px;height:60px;margin-top:15px;float:right;margin-left:10px;overflow:hidden}
.header .welcome{float:right;margin-top:20px;padding-right:10px;color:#999}
.header .welcome a{margin:0 3px}.header .nav{margin-top:10px}
#navMenu{width:915px;overflow:hidden;height:36px;background:#2b67b0}
#navMenu ul{float:left;height:36px}#navMenu ul li{float:left;height:36px;margin:0 3px}
#navMenu ul li a{color:#fff;height:36px;line-height:36px;display:block;padding:0 14px;font-size:14px}
#navMenu ul li a:hover,#navMenu ul li.hover a{background:#1b4f8f;text-decoration:none}
.search{width:958px;height:40px;border:1px solid #dbdbdb;border-top:none;overflow:hidden}
.search .form{float:left;margin:6px 0 0 10px}.search .form h4{display:none}
.search-keyword{width:210px;height:22px;padding:0 4px;border:1px solid #aaa;line-height:22px}
.search-option{margin-left:3px;height:24px}.search-submit{width:52px;height:24px;margin-left:5px}
.search .tags{width:600px;height:26px;float:left;overflow:hidden;margin:9px 0 0 12px}
.search .tags h4{float:left;width:76px;height:26px;font-size:12px}.search .tags ul{float:left}
.search .tags ul li{float:left;margin-right:6px}
.pleft{width:700px;float:left;overflow:hidden}.pright{width:250px;float:right;overflow:hidden}
.place{height:28px;line-height:28px;padding-left:10px;border:1px solid #dbdbdb;background:#f7f7f7}
.place strong{font-weight:normal;color:#666}.place a{margin:0 3px}
.viewbox{width:698px;overflow:hidden;padding-bottom:10px;border:1px solid #dbdbdb;margin-top:8px}
.viewbox .title{text-align:center;height:56px;line-height:56px;overflow:hidden}
.viewbox .title h2{font-size:20px;color:#223}
.viewbox .info{text-align:center;height:26px;line-height:26px;color:#666;margin:0 16px;
border-bottom:1px dashed #ddd}.viewbox .info small{margin-left:8px;color:#999;font-size:12px}
.viewbox .intro{color:#666;line-height:21px;margin:10px 16px 0;padding:4px 8px;border:1px solid #ddd}
.viewbox .content{padding:10px 16px 0;font-size:14px;line-height:2.1em;overflow:hidden}
.viewbox .content p{margin:0 0 1em}.viewbox .content img{max-width:660px}
.dede_pages{height:33px;clear:both;margin-top:10px}
.dede_pages ul{float:left;padding:12px 0 12px 16px}
.dede_pages ul li{float:left;font-family:Tahoma;line-height:17px;margin-right:6px;border:1px solid #e9e9e9}
.dede_pages ul li a{float:left;color:#555;padding:2px 4px 2px;display:block}
.dede_pages ul li a:hover{color:#690;text-decoration:none;padding:2px 4px 2px}
.dede_pages ul li.thisclass,.dede_pages ul li.thisclass a,.pagebox ul li.thisclass a:hover{
background-color:#f8f8f8;padding:2px 4px 2px;font-weight:bold}
.dede_pages .pageinfo{line-height:21px;padding:12px 10px 12px 16px;color:#999}
.dede_pages .pageinfo strong{color:#555;font-weight:normal;margin:0 2px}
.viewbox .boxoff{height:20px;line-height:20px;overflow:hidden;color:#ccc;margin:10px 16px 0}
.viewbox .handle{height:40px;margin:0 16px;overflow:hidden}
.viewbox .context{float:left;width:450px;overflow:hidden}
.viewbox .context ul li{line-height:20px;width:450px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.tbox{width:248px;border:1px solid #dbdbdb;overflow:hidden;margin-top:8px}
.tbox dt{height:30px;line-height:30px;padding-left:10px;background:#f3f7fa;border-bottom:1px solid #dbdbdb}
.tbox dt strong{font-size:13px;color:#2b67b0}.tbox dt span.more{float:right;padding-right:8px}
.tbox dd{padding:6px 10px}.c1 li{line-height:24px;height:24px;overflow:hidden}
.c1 li span{float:right;color:#999;font-family:Tahoma}.ico2 li{padding-left:12px;
background:url(/templets/default/images/ico-2.gif) 2px 9px no-repeat}
.d1 li{line-height:24px;height:24px;overflow:hidden}.d1 li span{float:right;color:#999}
.ico3 li{padding-left:10px;background:url(/templets/default/images/ico-3.gif) 0 10px no-repeat}
.index_main .pleft .tbox{width:340px;float:left;margin-right:8px}
.focus{width:698px;height:220px;border:1px solid #dbdbdb;overflow:hidden;margin-top:8px}
.focus ul li{float:left;width:226px;margin:10px 0 0 6px;line-height:22px}
.focus ul li h3{font-size:14px;height:120px;background:#eef3f8;padding:10px}
.listbox{padding:8px 0;border:1px solid #dbdbdb;border-top:none}
.listbox ul.e2 li{padding:10px 12px;border-bottom:1px dashed #e5e5e5;overflow:hidden}
.listbox ul.e2 li a.title{font-size:14px;font-weight:bold;color:#2b67b0;margin-left:4px}
.listbox ul.e2 li a.lanmu{color:#999}.listbox ul.e2 li .info{color:#999;margin-left:10px}
.listbox ul.e2 li .info small{font-size:12px;color:#bbb;margin-left:6px}
.listbox ul.e2 li p.intro{line-height:20px;color:#666;margin-top:6px}
.flink{border:1px solid #dbdbdb;padding:8px 10px;margin-top:8px}
.flink dt{font-weight:bold;color:#2b67b0;margin-bottom:4px}.flink dd a{margin-right:12px}
.footer{border-top:2px solid #2b67b0;padding:12px 0 20px;text-align:center;color:#777;line-height:22px}
.footer .link{margin-bottom:6px}.footer .link a{margin:0 6px}.footer .powered{font-size:11px}
.footer .copyright{color:#999}.msgbox{padding:40px 20px;text-align:center;font-size:14px;color:#c00}
"""

DEDE_SCRIPTS = """<script language="javascript" type="text/javascript">
<!--
function CheckLogin(){
  var taget_obj = document.getElementById('_userlogin');
  myajax = new DedeAjax(taget_obj,false,false,'','','');
  myajax.SendGet2("/member/ajax_loginsta.php");
  DedeXHTTP = null;
}
function postDigg(ftype,aid)
{
  var taget_obj = document.getElementById('newdigg');
  var saveid = GetCookie('diggid');
  if(saveid != null)
  {
    var saveids = saveid.split(',');
    var hasid = false;
    saveid = '';
    j = 1;
    for(i=saveids.length-1;i>=0;i--)
    {
      if(saveids[i]==aid && hasid) continue;
      else {
        if(saveids[i]==aid && !hasid) hasid = true;
        saveid += (saveid=='' ? saveids[i] : ','+saveids[i]);
        j++;
        if(j==20 && hasid) break;
        if(j==19 && !hasid) break;
      }
    }
    if(hasid) { alert("您已经顶过该帖，请不要重复顶帖 ！"); return; }
    else saveid += ','+aid;
    SetCookie('diggid',saveid,1);
  }
  else
  {
    SetCookie('diggid',aid,1);
  }
  myajax = new DedeAjax(taget_obj,false,false,'','','');
  var url = "/plus/digg_ajax.php?action="+ftype+"&id="+aid;
  myajax.SendGet2(url);
}
function getDigg(aid)
{
  var taget_obj = document.getElementById('newdigg');
  myajax = new DedeAjax(taget_obj,false,false,'','','');
  myajax.SendGet2("/plus/digg_ajax.php?id="+aid);
  DedeXHTTP = null;
}
-->
</script>"""


def dede_head(title: str, site: DemoSite, description: str) -> str:
    """The XHTML head with the gb2312 ``<meta http-equiv>`` (no HTML5 ``<meta charset>``)."""
    keywords = ",".join([site.name, *(c.name for c in site.channels)])
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{CHARSET_META}
<title>{esc(title)}</title>
<meta name="keywords" content="{attr(keywords)}" />
<meta name="description" content="{attr(description)}" />
<link href="/templets/default/style/dedecms.css" rel="stylesheet" media="screen" type="text/css" />
<script language="javascript" type="text/javascript" src="/include/dedeajax2.js"></script>
<style type="text/css">{DEDE_STYLE}</style>
{DEDE_SCRIPTS}
</head>"""


def dede_header(site: DemoSite, urls: DedeUrls, active_cid: int | None) -> str:
    """``header_top``, the logo in ``div.title > h1``, ``navMenu`` and the search form."""
    home = " class='hover'" if active_cid is None else ""
    items = [f"<li{home}><a href='/'><span>主页</span></a></li>"]
    for channel in site.channels:
        hover = " class='hover'" if channel.cid == active_cid else ""
        href = urls.list_url(channel.cid)
        items.append(f"<li{hover}><a href='{href}'><span>{esc(channel.name)}</span></a></li>")
    tags = "".join(
        f"<li><a href='/plus/search.php?q={word}&amp;searchtype=titlekeyword'>{word}</a></li>"
        for word in ("AI", "短剧", "演唱会", "电影")
    )
    return f"""<body class="articleview">
<div class="header_top">
<div class="w960 center">
<span id="time" class="time">{esc(site.name)} - 用好故事连接更多观众</span>
<div class="toplinks"><a href="/member/index.php" rel="nofollow">会员中心</a>|<a href="/member/article_add.php" rel="nofollow">投稿</a>
<span>[<a href="javascript:void(0)" onclick="this.style.behavior='url(#default#homepage)';this.setHomePage(location.href);">设为首页</a>]
[<a href="javascript:window.external.AddFavorite(location.href,'{attr(site.name)}')">加入收藏</a>]</span></div>
</div>
</div>
<div class="header">
<div class="top w960 center">
<div class="title">
<h1><a href="/"><img src="/templets/default/images/logo.gif" height="54" width="216" alt="{attr(site.name)}" /></a></h1>
</div>
<div class="banner"><script src='/plus/ad_js.php?aid=1' language='javascript'></script></div>
<div class="welcome" id="_userlogin">您好，欢迎光临！ <a href="/member/login.php" rel="nofollow">登录</a> | <a href="/member/index_do.php?fmdo=user&amp;dopost=regnew" rel="nofollow">注册</a></div>
</div><!-- /top -->
<div class="nav w960 center clear">
<div id="navMenu"><ul>
{"".join(items)}
</ul></div>
<div class="search">
<form name="formsearch" action="/plus/search.php"><div class="form">
<h4>搜索</h4>
<input type="hidden" name="kwtype" value="0" />
<input name="q" type="text" class="search-keyword" id="search-keyword" value="在这里搜索..." onfocus="if(this.value=='在这里搜索...'){{this.value='';}}" onblur="if(this.value==''){{this.value='在这里搜索...';}}" />
<select name="searchtype" class="search-option" id="search-option"><option value="title" selected='1'>检索标题</option><option value="titlekeyword">智能模糊</option></select>
<button type="submit" class="search-submit">搜索</button>
</div></form>
<div class="tags"><h4>热门标签:</h4><ul>{tags}</ul></div>
</div><!-- /search -->
</div><!-- /nav -->
</div><!-- /header -->"""


def dede_place(site: DemoSite, urls: DedeUrls, cid: int | None) -> str:
    """The DedeCMS position line, ``主页 > 新闻资讯 >`` with its trailing ``>``."""
    channel = site.channel(cid) if cid is not None else None
    crumb = "<a href='/'>主页</a> > "
    if channel is not None:
        crumb += f"<a href='{urls.list_url(channel.cid)}'>{esc(channel.name)}</a> > "
    return f'<div class="place"><strong>当前位置:</strong> {crumb}</div><!-- /place -->'


def dede_footer(site: DemoSite, urls: DedeUrls) -> str:
    """Friend links, the footer link row, the 备案 line and the statistics script."""
    channel_links = "".join(
        f"<a href='{urls.list_url(c.cid)}'>{esc(c.name)}</a>" for c in site.channels
    )
    return f"""<div class="flink w960 center clear">
<dl class="tbox"><dt><strong>友情链接</strong></dt>
<dd><a href="http://www.example.com/" target="_blank">示例影视网</a>
<a href="http://www.example.com/music/" target="_blank">示例音乐网</a>
<a href="mailto:contact@xinglan-demo.example">联系我们</a></dd></dl>
</div>
<div class="footer w960 center mt1 clear">
<div class="footer_left"></div>
<div class="footer_body">
<p class="link"><a href="/">网站首页</a>{channel_links}<a href="/member/index.php" rel="nofollow">会员中心</a></p>
<p class="powered">Powered by <strong>DedeCMS</strong> &copy; 2004-2026 DesDev Inc.<br />
<span class="copyright">Copyright &copy; 2016-2026 {esc(site.company)} 版权所有 &nbsp; {esc(site.icp)}</span></p>
<p>本站为离线演示站点，内容均为虚构</p>
</div>
<div class="footer_right"></div>
</div>
<script type="text/javascript">
var _hmt = _hmt || [];
(function () {{ _hmt.push(["_trackPageview", location.pathname]); }})();
</script>
</body>
</html>"""
