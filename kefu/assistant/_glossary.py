"""Chinese names for the catalogue's product types, so "耳机" finds the store's "Headphones".

The tau2 catalogue names its 50 product types in English only; Chinese customers name them
in Chinese, often by a shorter generic word (键盘 for the mechanical keyboard). Each English
type maps to the Chinese words customers use for it; when two entries overlap (智能手表 /
手表) the longest word in the message wins, so the specific type beats the generic one. A
generic word may name several types (耳机: headphones or earbuds); the first listed is the
usual reading, and matching against a customer's own orders settles the rest.
"""

from __future__ import annotations

ZH_PRODUCT_NAMES: dict[str, tuple[str, ...]] = {
    "Action Camera": ("运动相机", "运动摄像机", "相机"),
    "Air Purifier": ("空气净化器", "净化器"),
    "Backpack": ("双肩包", "背包"),
    "Bicycle": ("自行车", "单车"),
    "Bluetooth Speaker": ("蓝牙音箱", "音箱", "音响"),
    "Bookshelf": ("书架", "书柜"),
    "Coffee Maker": ("咖啡机", "咖啡壶"),
    "Cycling Helmet": ("骑行头盔", "自行车头盔", "头盔"),
    "Desk Lamp": ("台灯",),
    "Digital Camera": ("数码相机", "相机"),
    "Dumbbell Set": ("哑铃套装", "哑铃"),
    "E-Reader": ("电子书阅读器", "电子阅读器", "阅读器"),
    "Electric Kettle": ("电热水壶", "电水壶", "烧水壶"),
    "Electric Toothbrush": ("电动牙刷",),
    "Espresso Machine": ("意式咖啡机", "浓缩咖啡机", "咖啡机"),
    "Fleece Jacket": ("抓绒外套", "抓绒衣", "摇粒绒外套"),
    "Gaming Mouse": ("游戏鼠标", "鼠标"),
    "Garden Hose": ("花园水管", "浇水软管", "水管"),
    "Grill": ("烧烤炉", "烤炉", "烤架"),
    "Headphones": ("头戴式耳机", "耳机"),
    "Hiking Boots": ("登山靴", "登山鞋", "徒步鞋", "靴子"),
    "Indoor Security Camera": ("室内监控摄像头", "监控摄像头", "安防摄像头", "摄像头"),
    "Jigsaw Puzzle": ("拼图",),
    "LED Light Bulb": ("LED灯泡", "led灯泡", "灯泡"),
    "Laptop": ("笔记本电脑", "手提电脑"),
    "Luggage Set": ("行李箱套装", "行李箱", "旅行箱"),
    "Makeup Kit": ("化妆套装", "彩妆套装", "化妆品"),
    "Mechanical Keyboard": ("机械键盘", "键盘"),
    "Notebook": ("笔记本", "本子"),
    "Office Chair": ("办公椅", "椅子"),
    "Patio Umbrella": ("庭院伞", "遮阳伞"),
    "Perfume": ("香水",),
    "Pet Bed": ("宠物床", "狗窝", "猫窝"),
    "Portable Charger": ("充电宝", "移动电源"),
    "Running Shoes": ("跑步鞋", "跑鞋"),
    "Skateboard": ("滑板",),
    "Smart Thermostat": ("智能温控器", "温控器"),
    "Smart Watch": ("智能手表", "手表"),
    "Smartphone": ("智能手机", "手机"),
    "Sneakers": ("运动鞋", "球鞋"),
    "Sunglasses": ("太阳镜", "墨镜"),
    "T-Shirt": ("T恤", "t恤", "短袖"),
    "Tablet": ("平板电脑", "平板"),
    "Tea Kettle": ("茶壶",),
    "Vacuum Cleaner": ("吸尘器",),
    "Wall Clock": ("挂钟",),
    "Water Bottle": ("运动水壶", "水瓶", "水杯"),
    "Wireless Earbuds": ("无线耳机", "蓝牙耳机", "耳塞", "耳机"),
    "Wristwatch": ("手表", "腕表"),
    "Yoga Mat": ("瑜伽垫",),
}

_WORDS: list[tuple[str, str]] = [
    (zh, en)
    for _, _, zh, en in sorted(
        (-len(zh), i, zh, en)
        for en, names in ZH_PRODUCT_NAMES.items()
        for i, zh in enumerate(names)
    )
]
"""(word, type), longest words first; a shared word lists first the type it is most usual for."""


def english_names(text: str) -> list[str]:
    """English product-type names the Chinese words in ``text`` refer to, in mention order.

    Longest words are taken first and a shorter word inside a taken span is ignored, so
    "智能手表" gives Smart Watch only, not also Wristwatch.
    """
    taken: list[tuple[int, int, int, str]] = []
    for rank, (word, english) in enumerate(_WORDS):
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            # a word shared by several types keeps its span for each of them
            if all(end <= s or start >= e or (s, e) == (start, end) for s, e, _, _ in taken):
                taken.append((start, end, rank, english))
            start = text.find(word, end)
    names: list[str] = []
    for _, _, _, english in sorted(taken):
        if english not in names:
            names.append(english)
    return names


def chinese_name(english: str) -> str | None:
    """The usual Chinese name of a product type (its first glossary word), if known."""
    names = ZH_PRODUCT_NAMES.get(english)
    return names[0] if names else None


# --------------------------------------------------------------------------- options in Chinese

OPTION_NAMES_ZH: dict[str, str] = {
    "color": "颜色",
    "size": "尺码",
    "material": "材质",
    "style": "款式",
    "capacity": "容量",
    "screen size": "屏幕尺寸",
    "storage": "存储",
    "processor": "处理器",
    "ram": "内存",
    "type": "类型",
    "connectivity": "连接方式",
    "battery life": "续航",
    "water resistance": "防水等级",
    "waterproof": "防水",
    "thickness": "厚度",
    "brightness": "亮度",
    "power source": "电源",
    "cover type": "封面",
    "frame color": "镜框颜色",
    "frame material": "镜框材质",
    "lens color": "镜片颜色",
    "lens type": "镜片类型",
    "dial color": "表盘颜色",
    "strap material": "表带材质",
    "band material": "表带材质",
    "display": "屏幕",
    "battery type": "电池类型",
    "speed settings": "档位",
    "sensor type": "传感器",
    "resolution": "分辨率",
    "length": "长度",
    "compartment": "隔层",
    "features": "功能",
    "sole": "鞋底",
    "output": "输出接口",
    "field of view": "视角",
    "backlight": "背光",
    "switch type": "轴体",
    "compatibility": "兼容平台",
    "zipper": "拉链",
    "diameter": "直径",
    "set type": "类型",
    "weight range": "重量范围",
    "pressure": "压力",
    "zoom": "变焦",
    "height": "高度",
    "frame size": "车架尺寸",
    "armrest": "扶手",
    "backrest height": "靠背高度",
    "stovetop compatibility": "适用炉灶",
    "piece count": "件数",
    "tilt mechanism": "倾斜方式",
    "filter type": "滤网类型",
    "room size": "适用面积",
    "brand": "品牌",
    "kit size": "套装规格",
    "skin tone": "肤色",
    "deck material": "板面材质",
    "design": "图案",
    "pieces": "片数",
    "theme": "主题",
    "difficulty level": "难度",
    "bagged/bagless": "集尘方式",
    "gender": "适用人群",
    "scent family": "香调",
    "color temperature": "色温",
}
"""Chinese names of the tau2 catalogue's option names (``color`` → 颜色)."""

OPTION_VALUES_ZH: dict[str, str] = {
    "black": "黑色",
    "white": "白色",
    "red": "红色",
    "blue": "蓝色",
    "green": "绿色",
    "purple": "紫色",
    "silver": "银色",
    "grey": "灰色",
    "gray": "灰色",
    "space grey": "深空灰",
    "gold": "金色",
    "rose gold": "玫瑰金",
    "yellow": "黄色",
    "pink": "粉色",
    "brown": "棕色",
    "navy": "藏青色",
    "beige": "米色",
    "orange": "橙色",
    "wood": "木质",
    "cotton": "纯棉",
    "polyester": "涤纶",
    "leather": "皮革",
    "glass": "玻璃",
    "plastic": "塑料",
    "stainless steel": "不锈钢",
    "metal": "金属",
    "nylon": "尼龙",
    "canvas": "帆布",
    "mesh": "网面",
    "synthetic": "合成材料",
    "silicone": "硅胶",
    "rubber": "橡胶",
    "natural rubber": "天然橡胶",
    "fleece": "抓绒",
    "ceramic": "陶瓷",
    "fabric": "布艺",
    "memory foam": "记忆棉",
    "bamboo": "竹",
    "maple": "枫木",
    "iron": "铸铁",
    "crew neck": "圆领",
    "v-neck": "V领",
    "wireless": "无线",
    "wired": "有线",
    "over-ear": "头戴式",
    "in-ear": "入耳式",
    "on-ear": "贴耳式",
    "small": "小号",
    "medium": "中号",
    "large": "大号",
    "portable": "便携",
    "full size": "标准尺寸",
    "low": "低",
    "high": "高",
    "yes": "是",
    "no": "否",
    "none": "无",
    "not resistant": "不防水",
    "hard cover": "硬皮",
    "soft cover": "软皮",
    "rechargeable": "充电式",
    "AA batteries": "AA电池",
    "AC adapter": "电源适配器",
    "battery": "电池",
    "polarized": "偏光",
    "non-polarized": "非偏光",
    "optical": "光学",
    "laser": "激光",
    "analog": "指针式",
    "digital": "数字式",
    "automatic": "自动",
    "manual": "手动",
    "electric": "电动",
    "hydration": "水袋仓",
    "camera": "相机仓",
    "laptop": "电脑仓",
    "full": "全拉链",
    "half": "半拉链",
    "adjustable": "可调节",
    "fixed": "固定",
    "clicky": "青轴",
    "linear": "红轴",
    "tactile": "茶轴",
    "warm white": "暖白",
    "daylight": "日光白",
    "beginner": "入门",
    "intermediate": "中级",
    "expert": "专家",
    "animals": "动物",
    "art": "艺术",
    "fantasy": "奇幻",
    "landscape": "风景",
    "men": "男士",
    "women": "女士",
    "unisex": "男女通用",
    "drip": "滴滤式",
    "espresso": "意式",
    "french press": "法压壶",
    "capsule": "胶囊",
    "mountain": "山地车",
    "road": "公路车",
    "upright": "立式",
    "canister": "卧式",
    "robotic": "扫地机器人",
    "cordless": "无线",
    "timer": "定时",
    "night mode": "夜间模式",
    "quiet operation": "静音",
    "smart sensors": "智能感应",
    "built-in grinder": "内置磨豆",
    "auto shutoff": "自动断电",
    "pet hair removal": "宠物毛发清理",
    "HEPA filter": "HEPA滤网",
}
"""Chinese words for the tau2 catalogue's option values (unit values are rewritten:
"8 hours" → 8小时, "15-inch" → 15英寸)."""

_VALUE_BY_KEY_ZH = {("brightness", "medium"): "中", ("ventilation", "medium"): "中"}


def option_name_zh(name: str) -> str:
    """The option name in Chinese (an unknown or already Chinese name is kept)."""
    return OPTION_NAMES_ZH.get(name.lower(), name)


def option_value_zh(value: str, name: str = "") -> str:
    """The option value in Chinese (kept when it is a code such as XL, 4K or already Chinese)."""
    import re

    text = str(value)
    special = _VALUE_BY_KEY_ZH.get((name.lower(), text.lower()))
    if special:
        return special
    known = OPTION_VALUES_ZH.get(text) or OPTION_VALUES_ZH.get(text.lower())
    if known:
        return known
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(hours?|-inch|inch(?:es)?|cups?|liters?|ft|degrees)", text)
    if m:
        unit = {
            "hour": "小时",
            "-inch": "英寸",
            "inch": "英寸",
            "cup": "杯",
            "liter": "升",
            "ft": "英尺",
            "degree": "度",
        }[m.group(2).rstrip("s").replace("inche", "inch")]
        return m.group(1) + unit
    return text
