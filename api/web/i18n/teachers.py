"""Messages of the teachers' pages (the public page of calendar links, and the librarian's page that
hands it out): key -> (en, zh-CN)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the public page, in the school's language
    "teachers.public.title": ("{school} · Library calendars", "{school} · 图书馆日历订阅"),
    "teachers.public.intro": (
        "Every class has its own library calendar: each library session, activity, holiday and make-up "
        "day of the term. Subscribe to your class's calendar once, and your calendar app keeps it up to "
        "date by itself, also when the rota changes.",
        "每个班都有自己的图书馆日历：本学期的每次图书馆课、活动、节假日和调休都在里面。订阅一次本班的日历，"
        "日历软件就会自动更新，排班调整后也会跟着变。",
    ),
    "teachers.public.subscribe_not_import": (
        "Subscribe, do not import: an imported file never changes.",
        "请“订阅”，不要“导入”：导入的文件以后不会再更新。",
    ),
    "teachers.public.printable": ("The whole rota, to print", "完整排班表（可打印）"),
    "teachers.public.version": ("Published {time} (UTC).", "发布时间（UTC）：{time}。"),
    "teachers.on_this_page": ("On this page", "本页内容"),
    "teachers.group.class": ("Class calendars", "班级日历"),
    "teachers.group.library": ("The whole school", "全校日历"),
    "teachers.group.grade": ("Grades", "年级日历"),
    "teachers.group.staff": ("Staff on duty", "值班人员"),
    "teachers.group.helpers": ("Student helper teams", "小小图书管理员"),
    "teachers.group.room": ("Rooms", "场地"),
    "teachers.subscribe": ("Subscribe", "订阅"),
    "teachers.address": ("Address", "地址"),
    "teachers.copy": ("Copy address", "复制地址"),
    "teachers.copied": ("Address copied.", "地址已复制。"),
    "teachers.qr_label": ("QR code to subscribe to {name}", "订阅{name}的二维码"),
    "teachers.homeroom": ("Homeroom teacher: {name}", "班主任：{name}"),
    "teachers.events": ("{n} events", "{n} 个事件"),
    # how to subscribe
    "teachers.howto.title": ("How to subscribe", "如何订阅"),
    "teachers.howto.intro": (
        "Find your class below. On a phone, scan its QR code or tap “Subscribe”; on a computer, copy its "
        "address and follow the steps for your calendar app.",
        "在下面找到本班。用手机时，扫描本班的二维码或点“订阅”；用电脑时，复制本班的地址，"
        "再按下面对应日历软件的步骤操作。",
    ),
    "teachers.howto.camera": (
        "Scan the QR code with the phone's own camera: a scan inside a chat app opens the address in the "
        "app's browser, which cannot subscribe.",
        "请用手机自带的相机扫描二维码：在微信等聊天软件里扫码，会在软件自带的浏览器中打开地址，无法订阅。",
    ),
    "teachers.howto.copy_step": (
        "Press “Copy address” under your class (or select the address and copy it).",
        "点击本班下面的“复制地址”（或选中地址后复制）。",
    ),
    "teachers.howto.google": ("Google Calendar", "Google 日历"),
    "teachers.howto.google_2": (
        "On a computer, open Google Calendar (calendar.google.com). Next to “Other calendars” press “+”, "
        "then “From URL”.",
        "在电脑上打开 Google 日历（calendar.google.com），点击“其他日历”旁边的“+”，选择“通过网址添加”。",
    ),
    "teachers.howto.google_3": (
        "Paste the address and press “Add calendar”. The Google Calendar app on your phone shows it too.",
        "粘贴地址，点击“添加日历”。手机上的 Google 日历应用也会显示它。",
    ),
    "teachers.howto.google_note": (
        "Google Calendar refreshes subscribed calendars on its own schedule, every few hours and sometimes "
        "only once a day: a change can take that long to show.",
        "Google 日历按自己的节奏刷新订阅的日历，一般每隔几个小时，有时一天才一次，"
        "所以调整可能要过一阵才显示。",
    ),
    "teachers.howto.outlook": ("Outlook", "Outlook"),
    "teachers.howto.outlook_2": (
        "In Outlook on the web (or Outlook.com), open the calendar, choose “Add calendar”, then "
        "“Subscribe from web”.",
        "在网页版 Outlook（或 Outlook.com）中打开日历，选择“添加日历”，再选“从 Web 订阅”。",
    ),
    "teachers.howto.outlook_3": (
        "Paste the address, give the calendar a name and choose “Import”. Outlook on Windows and on your "
        "phone shows it once it has synchronised.",
        "粘贴地址，填写日历名称，点击“导入”。同步之后，Windows 版 Outlook 和手机上的 Outlook 也会显示它。",
    ),
    "teachers.howto.outlook_note": (
        "Outlook refreshes subscribed calendars every few hours.",
        "Outlook 每隔几个小时刷新一次订阅的日历。",
    ),
    "teachers.howto.apple": ("Apple Calendar (iPhone, iPad, Mac)", "苹果日历（iPhone、iPad、Mac）"),
    "teachers.howto.apple_phone": (
        "iPhone or iPad: scan your class's QR code with the Camera and tap “Subscribe” (or tap your "
        "class's “Subscribe” on the phone). Or open Settings › Calendar › Accounts › Add Account › Other › "
        "Add Subscribed Calendar, paste the address, tap “Next”, then “Save”.",
        "iPhone 或 iPad：用“相机”扫描本班的二维码，轻点“订阅”（或在手机上直接轻点本班的“订阅”）。"
        "也可以打开“设置 › 日历 › 账户 › 添加账户 › 其他 › 添加已订阅的日历”，粘贴地址，"
        "轻点“下一步”，再轻点“存储”。",
    ),
    "teachers.howto.apple_mac": (
        "Mac: click your class's “Subscribe”. Or in Calendar choose File › New Calendar Subscription…, "
        "paste the address and click “Subscribe”; set “Auto-refresh” to every hour and click “OK”.",
        "Mac：点击本班的“订阅”。也可以在“日历”App 中选择“文件 › 新建日历订阅…”，粘贴地址，点击“订阅”；"
        "把“自动刷新”设为“每小时”，再点击“好”。",
    ),
    "teachers.howto.thunderbird": ("Thunderbird", "Thunderbird"),
    "teachers.howto.thunderbird_2": (
        "In Thunderbird's calendar choose “New Calendar…”, then “On the Network”, and press “Next”.",
        "在 Thunderbird 的日历中选择“新建日历…”，再选“在网络上”，点击“下一步”。",
    ),
    "teachers.howto.thunderbird_3": (
        "Paste the address into “Location”, press “Find Calendars”, then “Subscribe”.",
        "把地址粘贴到“位置”一栏，点击“查找日历”，再点击“订阅”。",
    ),
    # the librarian's page
    "teachers.title": ("Teachers' calendars", "教师订阅"),
    "teachers.page.title": ("The page to hand out", "发给老师的页面"),
    "teachers.page.hint": (
        "Send this address to the homeroom teachers, or print its QR code: the page lists every calendar "
        "below with the steps to subscribe, in the school's language. Teachers need no account.",
        "把这个地址发给班主任，或者打印它的二维码：这个页面用学校的语言列出下面所有日历和订阅步骤，"
        "老师不需要账号。",
    ),
    "teachers.page.open": ("Open the teachers' page", "打开教师页面"),
    "teachers.page.qr_label": ("QR code of the teachers' page", "教师页面的二维码"),
    "teachers.page.before_publishing": (
        "This address stays the same when you publish: the page lists the calendars once a version is "
        "published.",
        "发布后这个地址不变：发布了排班表之后，页面上就会列出各个日历。",
    ),
    "teachers.calendars": ("The calendars", "各个日历"),
    "teachers.calendar": ("Calendar", "日历"),
    "teachers.qr": ("QR code", "二维码"),
    "teachers.qr_link": ("On the teachers' page", "在教师页面上"),
    "teachers.qr_on_page": (
        "Every calendar's QR code is on the teachers' page, ready to print.",
        "每个日历的二维码都在教师页面上，可以直接打印。",
    ),
    "teachers.nothing_published": (
        "Nothing is published yet: the teachers' calendars appear once a rota version is published.",
        "还没有发布排班表：发布一个版本之后，这里会列出教师订阅的日历。",
    ),
    "teachers.to_rotas": ("Go to the rota versions", "前往排班表版本"),
    "teachers.notice.published": (
        "Rota version {n} is published: every calendar below shows it from now on.",
        "第 {n} 版排班表已发布：下面的每个日历从现在起都显示这一版。",
    ),
    "teachers.notice.rotated": (
        "The addresses are replaced and the old ones no longer work. Hand out the new page address.",
        "地址已更换，旧地址已经失效。请把新的页面地址发给老师。",
    ),
    "teachers.rotate.title": ("Replace the addresses", "更换订阅地址"),
    "teachers.rotate.hint": (
        "If the addresses have gone further than they should, replace them. Every old address, of the "
        "teachers' page and of every calendar, stops working at once, and every teacher has to subscribe "
        "again with the new one.",
        "如果地址传到了不该去的地方，可以更换。更换后，教师页面和每个日历的旧地址都会立即失效，"
        "每位老师都要用新地址重新订阅。",
    ),
    "teachers.rotate.confirm": (
        "I understand: the old addresses stop working and every teacher must subscribe again.",
        "我明白：旧地址会失效，每位老师都要重新订阅。",
    ),
    "teachers.rotate.must_confirm": (
        "Tick the box to confirm that the old addresses may stop working.",
        "请勾选，确认旧地址可以失效。",
    ),
    "teachers.rotate.button": ("Replace the addresses", "更换地址"),
}
