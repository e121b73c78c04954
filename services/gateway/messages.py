"""Every message a user can read, in zh-CN (first) and English.

Schemas and handlers speak in message keys (``"too_long|max=100"``: a key, then
parameters); :func:`localize` turns them into sentences in the user's language at the
edge, so the page and the API say exactly the same thing.
"""

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

MESSAGES = {
    # field errors
    "required": ("此项为必填项", "This field is required."),
    "null": ("此项不能为空", "This field may not be empty."),
    "blank": ("此项不能只填空格", "This field may not be blank."),
    "unknown_field": ("表单中没有这一项", "This field is not part of the form."),
    "not_text": ("此项应为文字", "This field must be text."),
    "not_integer": ("此项应为整数", "This field must be a whole number."),
    "not_boolean": ("此项应为是或否", "This field must be yes or no."),
    "not_object": ("此项应为一组键值", "This field must be an object."),
    "not_list": ("此项应为列表", "This field must be a list."),
    "too_long": ("不能超过{max}个字符", "At most {max} characters."),
    "range": ("应在{min}到{max}之间", "Must be between {min} and {max}."),
    "count": ("应填写{min}到{max}项", "Give between {min} and {max} entries."),
    "not_an_option": ("请从以下选项中选择：{choices}", "Choose one of: {choices}."),
    "uscc_length": (
        "统一社会信用代码应为18位",
        "A unified social credit code has 18 characters.",
    ),
    "uscc_charset": (
        "统一社会信用代码只含数字和大写字母（不含I、O、S、V、Z）",
        "A unified social credit code uses digits and capitals other than I, O, S, V, Z.",
    ),
    "uscc_check": (
        "统一社会信用代码校验位不符，请核对是否输错",
        "The check character of this unified social credit code does not match; please check for a typo.",
    ),
    "mobile_phone": (
        "请填写11位大陆手机号码",
        "Enter an 11-digit mainland China mobile number.",
    ),
    "unknown_station": ("没有这个服务站点", "There is no such service station."),
    "unknown_item": ("没有这个服务事项", "There is no such service item."),
    "duplicate_item": ("同一事项只需选择一次", "Each service item can be chosen once."),
    "item_or_items": (
        "请选择一个服务事项（item）或多个服务事项（items），二者选一",
        "Give either one service item (item) or several (items), not both.",
    ),
    # whole-request errors
    "validation_failed": (
        "提交的内容有误，请按提示修改",
        "Some fields need correcting; see the messages beside them.",
    ),
    "malformed_json": ("请求内容不是有效的JSON", "The request body is not valid JSON."),
    "not_an_object": ("请求内容应为JSON对象", "The request body must be a JSON object."),
    "body_too_large": (
        "请求内容超过{limit}字节上限",
        "The request body is larger than the {limit}-byte limit.",
    ),
    "malformed_code": (
        "这不是有效的办件编码（格式：区划代码-日期-序号-校验位）",
        "This is not a request code (format: division-date-sequence-check).",
    ),
    "wrong_check_character": (
        "办件编码校验位不符，请核对是否输错",
        "The check character of this request code does not match; please check for a typo.",
    ),
    "request_not_found": (
        "没有找到与此编码和手机号对应的办件",
        "No request matches this code and phone number.",
    ),
    "job_not_found": ("没有找到这项业务", "There is no such job."),
    "invalid_transition": (
        "当前状态（{current}）下不能执行此操作",
        "This cannot be done while the request is {current}.",
    ),
    "unauthorized": ("需要登录或有效凭证", "Sign-in or a valid key is required."),
    "service_unavailable": (
        "{service}服务暂时无法响应，请稍后重试",
        "The {service} service is not answering; please try again shortly.",
    ),
    "internal_error": (
        "系统内部错误，已记录，请稍后重试",
        "Internal error; it has been logged. Please try again shortly.",
    ),
    "not_found": ("没有这个地址", "There is nothing at this address."),
    # request statuses (DESIGN §4)
    "status.submitted": ("已提交", "Submitted"),
    "status.accepted": ("已受理", "Accepted"),
    "status.rejected": ("不予受理", "Rejected"),
    "status.dispatched": ("已分派", "Dispatched"),
    "status.in_progress": ("办理中", "In progress"),
    "status.awaiting_enterprise": ("待补正", "Awaiting your material"),
    "status.completed": ("已办结", "Completed"),
    "status.rated": ("已评价", "Rated"),
    "status.cancelled": ("已撤回", "Cancelled"),
    # timeline events
    "event.submitted": ("企业提交申请", "Request submitted"),
    "event.accepted": ("服务站受理", "Accepted by the station"),
    "event.dispatched": ("分派至{to}", "Dispatched to {to}"),
    "event.job_accepted": ("业务部门接收", "Received by the service"),
    "event.certificate_issued": ("出具证书 {certificate_number}", "Certificate {certificate_number} issued"),
    # who acted
    "role.enterprise": ("企业", "Enterprise"),
    "role.system": ("系统自动", "Automatic"),
    "role.station": ("服务站", "Station"),
    "role.metrology": ("计量部门", "Metrology"),
    "role.standards": ("标准部门", "Standards"),
    "role.certification": ("认证部门", "Certification"),
    "role.testing": ("检验检测部门", "Testing"),
    "domain.metrology": ("计量", "Metrology"),
    "domain.standards": ("标准", "Standards"),
    "domain.certification": ("认证认可", "Certification"),
    "domain.testing": ("检验检测", "Testing"),
}


def message(key, lang=DEFAULT_LANGUAGE, **params):
    """The sentence for ``key`` (optionally ``key|name=value;...``) in ``lang``."""
    name, _, encoded = key.partition("|")
    if name not in MESSAGES:
        return key  # already a sentence (never hide a message because it lacks a key)
    for pair in filter(None, encoded.split(";")):
        param, _, value = pair.partition("=")
        params.setdefault(param, value)
    text = MESSAGES[name][LANGUAGES.index(lang) if lang in LANGUAGES else 0]
    try:
        return text.format(**params)
    except KeyError:
        return text


def localize(errors, lang):
    """Translate marshmallow's nested error structure, keeping its shape."""
    if isinstance(errors, dict):
        return {str(field): localize(value, lang) for field, value in errors.items()}
    if isinstance(errors, list):
        return [localize(value, lang) for value in errors]
    return message(errors, lang)


def negotiate_language(query_lang=None, accept_language=None):
    """``?lang=`` wins; otherwise Accept-Language; otherwise Chinese."""
    for candidate in (query_lang, accept_language):
        if candidate:
            first = candidate.split(",")[0].strip().lower()
            if first.startswith("en"):
                return "en"
            if first.startswith("zh"):
                return "zh-CN"
    return DEFAULT_LANGUAGE
