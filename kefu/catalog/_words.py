"""Words shoppers use for products, categories and option values (zh and en)."""

from __future__ import annotations

import functools
import re

ZH_VALUES: dict[str, tuple[str, ...]] = {
    "黑色": ("black",),
    "黑": ("black",),
    "白色": ("white",),
    "白": ("white",),
    "红色": ("red",),
    "红": ("red",),
    "蓝色": ("blue",),
    "蓝": ("blue",),
    "绿色": ("green",),
    "绿": ("green",),
    "紫色": ("purple",),
    "紫": ("purple",),
    "银色": ("silver",),
    "银": ("silver",),
    "灰色": ("grey", "gray"),
    "灰": ("grey", "gray"),
    "深空灰": ("space grey",),
    "金色": ("gold",),
    "玫瑰金": ("rose gold",),
    "黄色": ("yellow",),
    "黄": ("yellow",),
    "粉色": ("pink",),
    "粉红": ("pink",),
    "粉": ("pink",),
    "棕色": ("brown",),
    "咖啡色": ("brown",),
    "藏青": ("navy",),
    "海军蓝": ("navy",),
    "米色": ("beige",),
    "橙色": ("orange",),
    "皮革": ("leather",),
    "真皮": ("leather",),
    "皮质": ("leather",),
    "皮": ("leather",),
    "纯棉": ("cotton",),
    "全棉": ("cotton",),
    "棉": ("cotton",),
    "涤纶": ("polyester",),
    "聚酯": ("polyester",),
    "玻璃": ("glass",),
    "塑料": ("plastic",),
    "不锈钢": ("stainless steel",),
    "金属": ("metal",),
    "木质": ("wood",),
    "实木": ("wood",),
    "木": ("wood",),
    "尼龙": ("nylon",),
    "帆布": ("canvas",),
    "网面": ("mesh",),
    "硅胶": ("silicone",),
    "橡胶": ("rubber",),
    "天然橡胶": ("natural rubber",),
    "陶瓷": ("ceramic",),
    "无线": ("wireless",),
    "有线": ("wired",),
    "蓝牙": ("bluetooth",),
    "头戴": ("over-ear",),
    "入耳": ("in-ear",),
    "贴耳": ("on-ear",),
    "耳罩": ("over-ear",),
    "圆领": ("crew neck",),
    "v领": ("v-neck",),
    "加大": ("xl",),
    "特大": ("xxl",),
    "大号": ("l", "large"),
    "中号": ("m", "medium"),
    "小号": ("s", "small"),
    "偏光": ("polarized",),
    "机械": ("mechanical",),
    "青轴": ("clicky",),
    "红轴": ("linear",),
    "茶轴": ("tactile",),
    "光学": ("optical",),
    "激光": ("laser",),
    "硬皮": ("hard cover",),
    "软皮": ("soft cover",),
    "暖白": ("warm white",),
    "暖光": ("warm white",),
    "日光": ("daylight",),
    "男士": ("men",),
    "女士": ("women",),
    "中性": ("unisex",),
    "充电": ("rechargeable",),
    "滴滤": ("drip",),
    "法压": ("french press",),
    "胶囊": ("capsule",),
    "山地": ("mountain",),
    "公路": ("road",),
}
"""Chinese option words → the English catalogue's values they may mean (a product has one)."""

ZH_STORE_VALUES_EN: dict[str, str] = {
    "樱花粉": "sakura pink",
    "香槟色": "champagne",
    "藏青色": "navy",
    "驼色": "camel",
    "酒红色": "burgundy",
    "荧光绿": "neon green",
    "黑白": "black and white",
    "主动降噪": "active noise cancelling",
    "无降噪": "no noise cancelling",
    "红轴": "red switches",
    "青轴": "blue switches",
    "茶轴": "brown switches",
    "87键": "87 keys",
    "104键": "104 keys",
    "标准版": "standard",
    "除甲醛版": "formaldehyde removal",
    "中文版": "Chinese edition",
    "中英双语版": "bilingual edition",
    "青花": "blue and white",
    "素白": "plain white",
    "16件": "16 pieces",
    "28件": "28 pieces",
    "250克单罐": "250g, one tin",
    "500克双罐": "500g, two tins",
}
"""English for the Chinese demo store's option values (an English shopper may ask there)."""

ZH_GENERIC = {
    "套装",
    "智能",
    "无线",
    "蓝牙",
    "儿童",
    "礼盒",
    "电动",
    "真丝",
    "羊毛",
    "陶瓷",
    "机械",
    "绿茶",
    "空气",
    "跑步",
}
"""Parts of a Chinese product name too generic to name the product alone."""

ZH_PRODUCT_WORDS: dict[str, tuple[str, ...]] = {
    "保温杯": ("Insulated Tumbler",),
    "杯子": ("Insulated Tumbler", "Water Bottle"),
    "睡衣": ("Silk Pajama Set",),
    "电饭煲": ("Smart Rice Cooker",),
    "电饭锅": ("Smart Rice Cooker",),
    "围巾": ("Wool Scarf",),
    "茶叶": ("Green Tea Gift Box",),
    "绿茶": ("Green Tea Gift Box",),
    "绘本": ("Children's Picture Book Set",),
    "童书": ("Children's Picture Book Set",),
    "餐具": ("Ceramic Dinnerware Set",),
    "碗碟": ("Ceramic Dinnerware Set",),
    "碗": ("Ceramic Dinnerware Set",),
    "鞋": ("Running Shoes", "Sneakers", "Hiking Boots"),
    "靴": ("Hiking Boots",),
    "衣服": ("T-Shirt", "Fleece Jacket", "Silk Pajama Set"),
    "外套": ("Fleece Jacket",),
    "眼镜": ("Sunglasses",),
    "杯": ("Insulated Tumbler", "Water Bottle"),
    "壶": ("Electric Kettle", "Tea Kettle"),
    "灯": ("Desk Lamp", "LED Light Bulb"),
    "包": ("Backpack",),
    "相机": ("Digital Camera", "Action Camera"),
    "音箱": ("Bluetooth Speaker",),
    "书": ("Children's Picture Book Set", "Notebook"),
}
"""Chinese words for the Chinese store's products beyond their own names."""

EN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "tee": ("T-Shirt",),
    "tees": ("T-Shirt",),
    "tshirt": ("T-Shirt",),
    "tshirts": ("T-Shirt",),
    "t shirt": ("T-Shirt",),
    "t shirts": ("T-Shirt",),
    "shirt": ("T-Shirt",),
    "shirts": ("T-Shirt",),
    "earbuds": ("Wireless Earbuds",),
    "earbud": ("Wireless Earbuds",),
    "earphones": ("Wireless Earbuds", "Headphones"),
    "headset": ("Headphones",),
    "headphone": ("Headphones",),
    "phone": ("Smartphone",),
    "phones": ("Smartphone",),
    "cell phone": ("Smartphone",),
    "mobile": ("Smartphone",),
    "computer": ("Laptop",),
    "notebook computer": ("Laptop",),
    "sneaker": ("Sneakers",),
    "trainers": ("Sneakers", "Running Shoes"),
    "shoes": ("Running Shoes", "Sneakers"),
    "boots": ("Hiking Boots",),
    "watch": ("Wristwatch", "Smart Watch"),
    "watches": ("Wristwatch", "Smart Watch"),
    "smartwatch": ("Smart Watch",),
    "smartwatches": ("Smart Watch",),
    "kettle": ("Electric Kettle", "Tea Kettle"),
    "kettles": ("Electric Kettle", "Tea Kettle"),
    "camera": ("Digital Camera", "Action Camera", "Indoor Security Camera"),
    "cameras": ("Digital Camera", "Action Camera", "Indoor Security Camera"),
    "security camera": ("Indoor Security Camera",),
    "bike": ("Bicycle",),
    "bikes": ("Bicycle",),
    "helmet": ("Cycling Helmet",),
    "helmets": ("Cycling Helmet",),
    "lamp": ("Desk Lamp",),
    "lamps": ("Desk Lamp",),
    "speaker": ("Bluetooth Speaker",),
    "speakers": ("Bluetooth Speaker",),
    "mouse": ("Gaming Mouse",),
    "mice": ("Gaming Mouse",),
    "keyboard": ("Mechanical Keyboard",),
    "keyboards": ("Mechanical Keyboard",),
    "power bank": ("Portable Charger",),
    "power banks": ("Portable Charger",),
    "charger": ("Portable Charger",),
    "bottle": ("Water Bottle",),
    "bottles": ("Water Bottle",),
    "bulb": ("LED Light Bulb",),
    "bulbs": ("LED Light Bulb",),
    "light bulb": ("LED Light Bulb",),
    "clock": ("Wall Clock",),
    "clocks": ("Wall Clock",),
    "chair": ("Office Chair",),
    "chairs": ("Office Chair",),
    "umbrella": ("Patio Umbrella",),
    "luggage": ("Luggage Set",),
    "suitcase": ("Luggage Set",),
    "suitcases": ("Luggage Set",),
    "puzzle": ("Jigsaw Puzzle",),
    "puzzles": ("Jigsaw Puzzle",),
    "vacuum": ("Vacuum Cleaner",),
    "vacuums": ("Vacuum Cleaner",),
    "bbq": ("Grill",),
    "barbecue": ("Grill",),
    "toothbrush": ("Electric Toothbrush",),
    "toothbrushes": ("Electric Toothbrush",),
    "fragrance": ("Perfume",),
    "makeup": ("Makeup Kit",),
    "ereader": ("E-Reader",),
    "e reader": ("E-Reader",),
    "kindle": ("E-Reader",),
    "ipad": ("Tablet",),
    "bag": ("Backpack",),
    "hose": ("Garden Hose",),
    "jacket": ("Fleece Jacket",),
    "jackets": ("Fleece Jacket",),
    "fleece": ("Fleece Jacket",),
    "shades": ("Sunglasses",),
    "dumbbell": ("Dumbbell Set",),
    "dumbbells": ("Dumbbell Set",),
    "weights": ("Dumbbell Set",),
    "bookcase": ("Bookshelf",),
    "bookshelves": ("Bookshelf",),
    "dog bed": ("Pet Bed",),
    "cat bed": ("Pet Bed",),
    "espresso": ("Espresso Machine",),
    "coffee machine": ("Coffee Maker", "Espresso Machine"),
    "thermos": ("Insulated Tumbler",),
    "tumbler": ("Insulated Tumbler",),
    "mug": ("Insulated Tumbler",),
    "scarf": ("Wool Scarf",),
    "scarves": ("Wool Scarf",),
    "pajamas": ("Silk Pajama Set",),
    "pyjamas": ("Silk Pajama Set",),
    "rice cooker": ("Smart Rice Cooker",),
    "dinnerware": ("Ceramic Dinnerware Set",),
    "dishes": ("Ceramic Dinnerware Set",),
    "tea": ("Green Tea Gift Box",),
    "picture book": ("Children's Picture Book Set",),
    "picture books": ("Children's Picture Book Set",),
}
"""English words for product types beyond their names ("earbuds", "tee", "bike")."""

CATEGORIES: dict[str, tuple[str, ...]] = {
    "clothing": (
        "服饰",
        "服装",
        "衣服",
        "穿的",
        "clothing",
        "clothes",
        "apparel",
        "fashion",
        "wear",
        "outfit",
    ),
    "electronics": (
        "数码",
        "电子",
        "electronics",
        "electronic",
        "gadget",
        "gadgets",
        "tech",
        "devices",
    ),
    "home": (
        "家居",
        "家用",
        "家电",
        "厨房",
        "home",
        "kitchen",
        "household",
        "appliances",
        "appliance",
    ),
    "sports": (
        "运动",
        "户外",
        "健身",
        "锻炼",
        "sport",
        "sports",
        "outdoor",
        "outdoors",
        "fitness",
        "workout",
        "workouts",
        "working out",
        "work out",
        "exercise",
        "exercising",
        "gym",
    ),
    "beauty": ("美妆", "护肤", "个护", "beauty", "cosmetics"),
    "food": ("食品", "吃的", "零食", "food", "snacks", "groceries"),
    "books": ("图书", "书籍", "books", "reading"),
}
TAU2_CATEGORY: dict[str, tuple[str, ...]] = {
    "clothing": (
        "T-Shirt",
        "Fleece Jacket",
        "Running Shoes",
        "Hiking Boots",
        "Sneakers",
        "Sunglasses",
        "Wristwatch",
        "Backpack",
    ),
    "electronics": (
        "Laptop",
        "Smartphone",
        "Tablet",
        "E-Reader",
        "Headphones",
        "Wireless Earbuds",
        "Bluetooth Speaker",
        "Smart Watch",
        "Digital Camera",
        "Action Camera",
        "Gaming Mouse",
        "Mechanical Keyboard",
        "Portable Charger",
        "Indoor Security Camera",
    ),
    "home": (
        "Coffee Maker",
        "Espresso Machine",
        "Electric Kettle",
        "Tea Kettle",
        "Desk Lamp",
        "Wall Clock",
        "Bookshelf",
        "Office Chair",
        "Air Purifier",
        "Vacuum Cleaner",
        "LED Light Bulb",
        "Smart Thermostat",
        "Pet Bed",
        "Grill",
        "Patio Umbrella",
        "Garden Hose",
    ),
    "sports": (
        "Bicycle",
        "Cycling Helmet",
        "Yoga Mat",
        "Dumbbell Set",
        "Skateboard",
        "Hiking Boots",
        "Running Shoes",
        "Water Bottle",
    ),
    "beauty": ("Makeup Kit", "Perfume", "Electric Toothbrush"),
    "books": ("Notebook",),
}
"""The tau2 catalogue has no categories: which of its types each category holds."""

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_ZH_DIGITS |= {"八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_ZH_NUMBER = re.compile(r"[零一二两三四五六七八九十百千万]{2,}|[一二两三四五六七八九]?[十百千万]")


def _zh_int(word: str) -> int | None:
    total = section = digit = 0
    for ch in word:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            unit = _ZH_UNITS[ch]
            if unit == 10000:
                total += (section + digit) * unit
                section = 0
            else:
                section += (digit or 1) * unit
            digit = 0
        else:
            return None
    value = total + section + digit
    # "一千五" = 1500, "三百五" = 350: a trailing digit counts in the unit below the last one
    if len(word) >= 2 and word[-1] in _ZH_DIGITS and word[-2] in _ZH_UNITS:
        below = _ZH_UNITS[word[-2]] // 10
        value += digit * (below - 1)
    return value


def zh_numerals(text: str) -> str:
    """Chinese numerals written as digits ("五百块" → "500块"), where they count money."""

    def repl(m: re.Match[str]) -> str:
        after = text[m.end() : m.end() + 3]
        if not re.match(
            r"\s*(?:块|元|以|左右|上下|到|至|之|多|美|刀|-|~|毫安|毫升|升|寸|英寸|小时|码|件|克|键)",
            after,
        ):
            return m.group(0)
        value = _zh_int(m.group(0))
        return str(value) if value is not None else m.group(0)

    return _ZH_NUMBER.sub(repl, text)


@functools.lru_cache(maxsize=8192)
def normalise_units(text: str) -> str:
    """Units written as the catalogue writes them: 15寸 → 15-inch, 续航8小时 → 8 hours."""
    e = r"(?![a-z])"
    text = re.sub(
        r"(\d+(?:\.\d+)?)\s*(?:英寸|寸|-inch|inch(?:es)?" + e + "|in" + e + r"|\")",
        r"\1-inch",
        text,
    )
    text = re.sub(
        r"(\d+)\s*(?:个)?\s*(?:小时|hours?" + e + "|hrs?" + e + "|h" + e + ")", r"\1 hours", text
    )
    text = re.sub(r"(\d+)\s*(?:毫升|ml" + e + ")", r"\1ml", text)
    text = re.sub(
        r"(\d+(?:\.\d+)?)\s*(?:升|l" + e + "|liters?" + e + "|litres?" + e + ")", r"\1l", text
    )
    text = re.sub(r"(\d+)\s*(?:毫米|mm" + e + ")", r"\1mm", text)
    text = re.sub(r"(\d+)\s*(?:gb" + e + "|g" + e + "|个g|吉)", r"\1gb", text)
    text = re.sub(r"(\d+)\s*(?:tb" + e + "|t" + e + ")", r"\1tb", text)
    text = re.sub(r"(\d+)\s*(?:mah|毫安)", r"\1mah", text)
    text = re.sub(r"(\d+)\s*(?:件)", r"\1件", text)
    return text
