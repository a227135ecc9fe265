"""Pieces both demo themes share: escaping, the editor HTML of a body, page chrome.

Real CMS pages are mostly chrome: stylesheets, navigation, footers and
analytics scripts around a few kilobytes of article. The demo reproduces that
weight (pages of 20–40 KB) so extraction is tested against noise, not against a
bare ``<article>``. The editor HTML is the same in both themes because it is
content, not template: only the wrappers around it change.
"""

from __future__ import annotations

from html import escape

from newscrawl.demo.content import DemoArticle, DemoSite

IDEOGRAPHIC_INDENT = "\u3000\u3000"
NBSP_INDENT = "&nbsp;&nbsp;&nbsp;&nbsp;"


def esc(text: str) -> str:
    """Escape element text."""
    return escape(text, quote=False)


def attr(text: str) -> str:
    """Escape an attribute value (always written in double quotes)."""
    return escape(text, quote=True)


def url_attr(url: str) -> str:
    """A URL for an ``href``, with a bare ``&`` between query arguments as PHPMyWind
    prints it (``show.php?cid=29&id=613``); parsers read it the same as ``&amp;``."""
    return url.replace('"', "%22").replace("<", "%3C").replace(">", "%3E")


def _paragraph(article: DemoArticle, text: str) -> str:
    indent = {"ideo": IDEOGRAPHIC_INDENT, "nbsp": NBSP_INDENT}.get(article.indent or "", "")
    body = esc(text)
    if "span" in article.features:
        body = f'<span style="font-size:16px;font-family:微软雅黑,sans-serif;">{body}</span>'
    return f"<p>{indent}{body}</p>"


def _heading(article: DemoArticle, text: str) -> str:
    if article.heading_style == "h3":
        return f"<h3>{esc(text)}</h3>"
    if article.heading_style == "plain":
        return f"<p>{esc(text)}</p>"
    return f"<p><strong>{esc(text)}</strong></p>"


def editor_html(article: DemoArticle, page_number: int) -> str:
    """The raw editor HTML of one page of ``article`` (what the CMS stores)."""
    page = article.page(page_number)
    out = [_paragraph(article, p) for p in page.lead]
    if "image" in article.features and page_number == 1:
        day = article.published[:10].replace("-", "")
        out.append(
            '<p style="text-align:center;"><img src="/uploads/image/'
            f'{day}/{article.id}_1.jpg" alt="" width="640" height="360" /></p>'
        )
    for index, section in enumerate(page.sections):
        if index and "spacer" in article.features:
            out.append("<p>&nbsp;</p>")
        out.append(_heading(article, section.heading))
        out.extend(_paragraph(article, p) for p in section.paragraphs)
    return "\n".join(out)


def date_line_parts(article: DemoArticle, views: int) -> tuple[str, str]:
    """('日期：2026-01-08 09:30:00', '人气：N') with the article's colon style."""
    colon = article.colon_char
    return f"日期{colon}{article.published}", f"人气{colon}{views}"


def keywords(site: DemoSite) -> str:
    return ",".join([site.name, *(c.name for c in site.channels), "影视", "音乐", "演出"])


# Inline styles of the template: a real theme ships several KB of them.
STYLE = """
body{font-family:"Helvetica Neue",Helvetica,Arial,"Microsoft YaHei",sans-serif;color:#333;
background:#f5f5f5;font-size:14px;line-height:1.7}
a{color:#333;text-decoration:none}a:hover{color:#c4161c;text-decoration:none}
.topbar{background:#222;color:#999;font-size:12px;line-height:32px;height:32px}
.topbar a{color:#bbb;margin-left:12px}.topbar a:hover{color:#fff}
.header{background:#fff;border-bottom:3px solid #c4161c;padding:18px 0}
.header .logo{float:left;font-size:28px;font-weight:bold;color:#c4161c;letter-spacing:2px}
.header .logo small{display:block;font-size:12px;color:#999;letter-spacing:1px}
.header .search{float:right;margin-top:12px}
.header .search input{width:220px;height:32px;border:1px solid #ddd;padding:0 8px}
.header .search button{height:32px;border:0;background:#c4161c;color:#fff;padding:0 14px}
.navbar-default{background:#c4161c;border:0;border-radius:0;margin-bottom:0}
.navbar-default .navbar-nav>li>a{color:#fff;font-size:16px;padding:14px 26px}
.navbar-default .navbar-nav>li>a:hover,.navbar-default .navbar-nav>.active>a{background:#a01015;color:#fff}
.crumb{background:#fff;border:1px solid #eee;margin:16px 0;padding:10px 16px;font-size:13px;color:#888}
.crumb a{color:#666}.crumb a:hover{color:#c4161c}
.info{background:#fff;padding:24px 30px;border:1px solid #eee;margin-bottom:20px}
.info h2,.news-detail h1{font-size:24px;text-align:center;line-height:1.5;margin:10px 0 16px}
.info-date,.art-info{text-align:center;color:#999;font-size:13px;border-bottom:1px dashed #ddd;
padding-bottom:12px;margin-bottom:20px}
.bd,.art-body{font-size:16px;line-height:2;color:#444}.bd p,.art-body p{margin:0 0 1em}
.bd img,.art-body img{max-width:100%;height:auto}
.contPage,.page-nav{text-align:center;margin:20px 0}.contPage a,.contPage span,.page-nav a,
.page-nav span{display:inline-block;border:1px solid #ddd;padding:2px 10px;margin:0 2px}
.contPage span,.page-nav span{background:#c4161c;color:#fff;border-color:#c4161c}
.prenext,.prev-next{list-style:none;padding:12px 0 0;margin:20px 0 0;border-top:1px solid #eee}
.prenext li,.prev-next p{line-height:2;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.sidebar h4,.side-mod .tit{font-size:17px;border-bottom:2px solid #c4161c;padding-bottom:8px;margin:0 0 10px}
.sidebar h4 small,.side-mod .tit em{font-size:12px;color:#aaa;font-style:normal;margin-left:6px;
text-transform:uppercase}
.sidebar ul,.side-mod ul{list-style:none;padding:0;margin:0 0 24px}
.sidebar li,.side-mod li{line-height:32px;border-bottom:1px dotted #e5e5e5;overflow:hidden}
.sidebar li small{float:right;color:#aaa}.side-mod li .date{float:right;color:#aaa;font-size:12px}
.sidebar .contact p{font-size:13px;color:#666;margin:0;line-height:24px}
.news-list li{background:#fff;border-bottom:1px solid #eee;padding:14px 16px;list-style:none}
.news-list li a{font-size:16px;font-weight:bold}.news-list li span{float:right;color:#999}
.news-list li p,.news-list li .summary{color:#888;font-size:13px;margin:6px 0 0}
.page_list,.pages{text-align:center;margin:24px 0}.page_list a,.pages a{display:inline-block;
border:1px solid #ddd;background:#fff;padding:4px 12px;margin:0 2px;color:#555}
.page_list a.on,.pages a.current{background:#c4161c;color:#fff;border-color:#c4161c}
.home-block{background:#fff;border:1px solid #eee;padding:16px 20px;margin-bottom:20px}
.home-block h3{font-size:18px;border-bottom:2px solid #c4161c;padding-bottom:8px}
.home-block h3 .more{float:right;font-size:12px;color:#999;font-weight:normal}
.carousel{margin:16px 0 20px}.carousel .item{height:320px;background:#333;color:#fff}
.carousel .item h3{position:absolute;bottom:20px;left:30px;font-size:22px}
.hot-words a{display:inline-block;background:#fff;border:1px solid #eee;padding:2px 10px;margin:4px}
.footer{background:#2b2b2b;color:#8c8c8c;padding:30px 0 20px;margin-top:30px;font-size:13px}
.footer a{color:#aaa}.footer a:hover{color:#fff}.footer h5{color:#ddd;font-size:15px}
.footer .links a{margin-right:14px}.footer .copyright{border-top:1px solid #3a3a3a;
margin-top:20px;padding-top:16px;text-align:center;line-height:2}
.backtop{position:fixed;right:20px;bottom:40px;width:44px;height:44px;background:#c4161c;
color:#fff;text-align:center;line-height:44px;display:none;border-radius:3px;cursor:pointer}
.contact-layer{display:none;position:fixed;top:30%;left:50%;width:360px;margin-left:-180px;
background:#fff;box-shadow:0 4px 20px rgba(0,0,0,.2);padding:24px;z-index:99}
.share-bar{margin:24px 0 0;text-align:right;color:#999;font-size:13px}
.share-bar a{display:inline-block;width:28px;height:28px;line-height:28px;text-align:center;
border-radius:50%;background:#eee;color:#666;margin-left:6px}.share-bar a:hover{background:#c4161c;color:#fff}
.mobile-menu{position:fixed;top:0;left:-260px;width:260px;height:100%;background:#1d1d1d;z-index:1000;
overflow-y:auto;transition:left .3s ease}.mobile-menu.open{left:0}
.mobile-menu ul{list-style:none;margin:0;padding:20px 0}.mobile-menu li a{display:block;color:#ccc;
padding:10px 24px;border-bottom:1px solid #2c2c2c}.mobile-menu li a:hover{background:#c4161c;color:#fff}
.mobile-mask{display:none;position:fixed;top:0;left:0;right:0;bottom:0;background:rgba(0,0,0,.5);z-index:999}
.footer .qrcode{text-align:center}.footer .qrcode img{width:110px;height:110px;background:#fff;padding:5px}
.footer .qrcode p{margin:6px 0 0;font-size:12px}.footer .biz p{margin:0;line-height:26px}
.fade-in{animation:fadeIn .6s ease both}@keyframes fadeIn{from{opacity:0;transform:translateY(10px)}
to{opacity:1;transform:none}}.clearfix:after{content:"";display:table;clear:both}
.text-muted{color:#999}.mt20{margin-top:20px}.mb20{margin-bottom:20px}.pl0{padding-left:0}
.btn-red{background:#c4161c;color:#fff;border:0;padding:6px 18px;border-radius:2px}
.btn-red:hover{background:#a01015;color:#fff}.tag{display:inline-block;font-size:12px;color:#c4161c;
border:1px solid #c4161c;padding:0 6px;margin-right:6px;border-radius:2px;line-height:18px}
.position{background:#fff;margin:16px 0;padding:10px 16px;font-size:13px;color:#888;border-left:3px solid #c4161c}
.news-detail{background:#fff;padding:26px 32px;border:1px solid #eee;margin-bottom:20px}
.news-detail .author{text-align:right;color:#666;margin-top:16px}
.side-mod{background:#fff;border:1px solid #eee;padding:14px 16px;margin-bottom:20px}
.side-mod .list li a{display:block;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
@media (min-width:768px) and (max-width:991px){.navbar-default .navbar-nav>li>a{padding:14px 14px;font-size:15px}
.header .search input{width:160px}.sidebar li small{display:none}}
.online-service{position:fixed;right:0;top:35%;width:150px;background:#fff;border:1px solid #e5e5e5;
font-size:12px;z-index:90;box-shadow:-2px 2px 8px rgba(0,0,0,.08)}.online-service dt{background:#c4161c;
color:#fff;text-align:center;line-height:32px}.online-service dd{padding:4px 10px;border-bottom:1px dotted #eee}
.feedback .form-group{margin-bottom:10px}.feedback label{font-weight:normal;color:#666}
.noscript{background:#fffbe6;border:1px solid #f0d78c;color:#8a6d3b;text-align:center;padding:8px;font-size:13px}
@media print{.topbar,.header .search,.navbar,.sidebar,.main-right,.footer,.backtop,.share-bar{display:none}
.info,.news-detail{border:0;padding:0}a[href]:after{content:""}}
@media (max-width:767px){.header .search{display:none}.info{padding:16px}
.info h2,.news-detail h1{font-size:20px}.navbar-default .navbar-nav>li>a{padding:10px 16px}
.carousel .item{height:180px}.col-md-3{margin-top:20px}}
"""

SCRIPTS = """<script type="text/javascript">
var _site = {root: "/", tpl: "/templates/default/", lang: "zh-cn"};
$(function () {
  $(window).scroll(function () {
    if ($(this).scrollTop() > 300) { $(".backtop").fadeIn(200); }
    else { $(".backtop").fadeOut(200); }
  });
  $(".backtop").click(function () { $("html,body").animate({scrollTop: 0}, 300); });
  $("#contactLink").click(function () { $(".contact-layer").toggle(); return false; });
  $(".bd img, .art-body img").each(function () {
    if ($(this).width() > $(this).parent().width()) { $(this).css("width", "100%"); }
  });
  $(".navbar-nav li").each(function () {
    if (location.href.indexOf($(this).find("a").attr("href")) > 0) { $(this).addClass("active"); }
  });
});
function CheckSearch(form) {
  if (form.kw.value === "" || form.kw.value === "请输入关键字") {
    alert("请输入搜索关键字！");
    form.kw.focus();
    return false;
  }
  return true;
}
</script>
<script type="text/javascript">
/* lazy image loader and mobile menu (template plugin, trimmed) */
(function ($) {
  $.fn.lazyImages = function (options) {
    var settings = $.extend({threshold: 200, attr: "data-original"}, options);
    var $images = this;
    function inView(el) {
      var top = $(window).scrollTop(), bottom = top + $(window).height() + settings.threshold;
      var offset = $(el).offset().top;
      return offset < bottom && offset + $(el).height() > top - settings.threshold;
    }
    function load() {
      $images = $images.filter(function () {
        if (!inView(this)) { return true; }
        var src = $(this).attr(settings.attr);
        if (src) { $(this).attr("src", src).removeAttr(settings.attr).addClass("fade-in"); }
        return false;
      });
      if ($images.length === 0) { $(window).off("scroll.lazy resize.lazy"); }
    }
    $(window).on("scroll.lazy resize.lazy", load);
    load();
    return this;
  };
  $(function () {
    $("img[data-original]").lazyImages();
    $(".navbar-toggle").click(function () {
      $(".mobile-menu").toggleClass("open");
      $(".mobile-mask").toggle();
    });
    $(".mobile-mask").click(function () {
      $(".mobile-menu").removeClass("open");
      $(this).hide();
    });
    $(".share-bar a").click(function () {
      var kind = $(this).data("share"), url = encodeURIComponent(location.href);
      var title = encodeURIComponent(document.title);
      if (kind === "weixin") { alert("请使用微信扫一扫分享本页"); return false; }
      window.open("about:blank#" + kind + "&url=" + url + "&title=" + title, "_blank");
      return false;
    });
  });
})(jQuery);
</script>
<script type="text/javascript">
var _hmt = _hmt || [];
(function () {
  /* site statistics: the demo keeps the snippet's shape but loads nothing */
  var ready = document.readyState;
  _hmt.push(["_setAutoPageview", ready !== "loading"]);
  _hmt.push(["_trackPageview", location.pathname + location.search]);
})();
</script>"""


def head(title: str, site: DemoSite, extra_class: str) -> str:
    """``<head>`` with meta, stylesheets and the inline theme CSS."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name="renderer" content="webkit" />
<title>{esc(title)}</title>
<meta name="generator" content="PHPMyWind" />
<meta name="author" content="{attr(site.company)}" />
<meta name="keywords" content="{attr(keywords(site))}" />
<meta name="description" content="{attr(site.name)}官方网站，发布公司新闻、行业动态与娱乐快讯。" />
<link href="/templates/default/css/bootstrap.min.css" rel="stylesheet" type="text/css" />
<link href="/templates/default/css/{extra_class}.css" rel="stylesheet" type="text/css" />
<script src="/templates/default/js/jquery.min.js" type="text/javascript"></script>
<script src="/templates/default/js/bootstrap.min.js" type="text/javascript"></script>
<style type="text/css">{STYLE}</style>
</head>"""


def footer(site: DemoSite, channel_links: str) -> str:
    """Footer columns, friend links (external, mailto), the 备案 line and scripts."""
    return f"""<footer class="footer">
<div class="container">
<div class="row">
<div class="col-md-4"><h5>关于{esc(site.name)}</h5>
<p>{esc(site.company)}成立于2016年，业务涵盖电影、剧集、音乐、现场演艺与数字内容技术，
致力于用好故事连接更多观众。</p></div>
<div class="col-md-4"><h5>栏目导航</h5><p class="links"><a href="/">网站首页</a>{channel_links}</p></div>
<div class="col-md-4"><h5>联系方式</h5>
<p>地址：浙江省杭州市滨江区星澜路88号星澜大厦</p>
<p>电话：0571-8888 0613 &nbsp; 邮箱：<a href="mailto:contact@xinglan-demo.example">contact@xinglan-demo.example</a></p></div>
</div>
<div class="row mt20">
<div class="col-md-8 biz"><h5>业务板块</h5>
<p>影视：院线电影、动画电影与纪录片的开发、制作和发行。</p>
<p>剧集：长剧集、精品短剧与综艺节目的策划制作和版权运营。</p>
<p>音乐：回声实验室厂牌、词曲版权管理与音乐人经纪。</p>
<p>现场演艺：演唱会、城市音乐节、沉浸式演出与文旅夜游项目。</p>
<p>技术服务：星图AI内容中台、虚拟拍摄基地与星澜App研发运营。</p></div>
<div class="col-md-2 qrcode"><img src="/uploads/image/qrcode_wechat.png" alt="微信公众号" /><p>微信公众号</p></div>
<div class="col-md-2 qrcode"><img src="/uploads/image/qrcode_app.png" alt="下载星澜App" /><p>下载星澜App</p></div>
</div>
<div class="links">友情链接：<a href="http://www.example.com/" target="_blank">示例影视网</a>
<a href="http://www.example.com/music/" target="_blank">示例音乐网</a>
<a href="javascript:void(0)" id="contactLink">商务合作</a>
<a href="/admin/login.php" rel="nofollow">管理登录</a></div>
<div class="copyright">Copyright &copy; 2016-2026 {esc(site.company)} All Rights Reserved.<br />
{esc(site.icp)} &nbsp; 浙公网安备 33010802000613号 &nbsp; 本站为离线演示站点，内容均为虚构</div>
</div>
</footer>
<div class="backtop" title="返回顶部">&uarr;</div>
<div class="contact-layer"><p>商务合作请致电 0571-8888 0613，或发送邮件至
contact@xinglan-demo.example，我们会在两个工作日内回复。</p>
<form class="feedback" action="/message.php" method="post" onsubmit="return false;">
<input type="hidden" name="action" value="save" />
<div class="form-group"><label for="fb-name">您的称呼</label>
<input id="fb-name" class="form-control" type="text" name="nickname" maxlength="20" /></div>
<div class="form-group"><label for="fb-type">合作类型</label>
<select id="fb-type" class="form-control" name="type"><option value="1">影视合作</option>
<option value="2">音乐版权</option><option value="3">演出赞助</option><option value="4">技术服务</option>
<option value="5">媒体采访</option><option value="9">其他事项</option></select></div>
<div class="form-group"><label for="fb-phone">联系电话</label>
<input id="fb-phone" class="form-control" type="tel" name="contact" maxlength="20" /></div>
<div class="form-group"><label for="fb-body">留言内容</label>
<textarea id="fb-body" class="form-control" name="content" rows="4"></textarea></div>
<button type="submit" class="btn-red">提交留言</button></form></div>
<div class="online-service hidden-xs">
<dl><dt>在线客服</dt><dd>售前咨询：400-800-0613 转 1</dd><dd>会员服务：400-800-0613 转 2</dd>
<dd>票务服务：400-800-0613 转 3</dd><dd>媒体联络：0571-8888 0618</dd>
<dd>服务时间：周一至周日 9:00-21:00</dd></dl></div>
<noscript><div class="noscript">您的浏览器禁用了脚本，部分功能（图片延迟加载、分享、返回顶部）可能无法使用。</div></noscript>
{SCRIPTS}
</body>
</html>"""
