"""Messages of signing in, the first-run page and the admin's pages: key -> (en, zh-CN)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "account.sign_in": ("Sign in", "登录"),
    "account.username": ("Username", "用户名"),
    "account.password": ("Password", "密码"),
    "account.new_password": ("Password (at least 10 characters)", "密码(至少 10 个字符)"),
    "account.display_name": ("Name", "姓名"),
    "account.school": ("School", "学校"),
    "account.wrong": ("Wrong username or password.", "用户名或密码不正确。"),
    "account.too_many": (
        "Too many failed sign-ins. Try again in {minutes} minutes.",
        "登录失败次数过多,请 {minutes} 分钟后再试。",
    ),
    "account.first_run": ("Create the admin account", "创建管理员账号"),
    "account.first_run_intro": (
        "This link works once. The admin creates schools and their librarians' accounts.",
        "此链接只能使用一次。管理员负责创建学校和图书管理员账号。",
    ),
    "account.first_run_used": (
        "This link is used up or out of date. Restart the service to print a new one (it prints one "
        "while there is no admin account).",
        "此链接已使用或已过期。请重启服务以生成新链接(没有管理员账号时会打印新链接)。",
    ),
    "account.create_admin": ("Create admin account", "创建管理员账号"),
    "admin.schools_caption": ("Every school of this service", "本服务的所有学校"),
    "admin.school_name": ("School name", "学校名称"),
    "admin.slug": ("Short name in addresses", "网址中的简称"),
    "admin.slug_hint": (
        "Lower-case letters, digits, - and _, e.g. sunshine-primary.",
        "小写字母、数字、- 和 _,例如 sunshine-primary。",
    ),
    "admin.librarians": ("Librarians", "图书管理员"),
    "admin.no_schools": ("No school yet.", "还没有学校。"),
    "admin.new_school": ("New school", "新建学校"),
    "admin.create_school": ("Create school", "创建学校"),
    "admin.school_created": ("School {name} created.", "已创建学校:{name}。"),
    "admin.new_librarian": ("New librarian account", "新建图书管理员账号"),
    "admin.create_librarian": ("Create librarian account", "创建图书管理员账号"),
    "admin.librarian_created": (
        "Account {username} created for {school}.",
        "已为 {school} 创建账号 {username}。",
    ),
    "admin.school_first": ("Create a school first.", "请先创建学校。"),
    "account.error.username_form": (
        "2 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.",
        "2 到 64 个小写字母、数字、'.'、'_' 或 '-',以字母或数字开头。",
    ),
    "account.error.username_taken": ("The username {name} is taken.", "用户名 {name} 已被使用。"),
    "account.error.password_short": ("At least {n} characters.", "至少 {n} 个字符。"),
    "account.error.locale": ("Choose 中文 or English.", "请选择中文或 English。"),
    "account.error.no_school": (
        "A librarian belongs to a school: choose one.",
        "图书管理员须属于一所学校:请选择。",
    ),
    "account.error.unknown_school": ("There is no school {slug}.", "没有学校 {slug}。"),
    "account.error.role": ("An account is an admin or a librarian.", "账号须是管理员或图书管理员。"),
    "account.error.slug_form": (
        "Lower-case letters, digits, - and _, e.g. sunshine-primary.",
        "小写字母、数字、- 和 _,例如 sunshine-primary。",
    ),
    "account.error.slug_taken": ("The school {slug} exists.", "学校 {slug} 已存在。"),
    "account.error.school_name": ("Give the school's name.", "请填写学校名称。"),
}
