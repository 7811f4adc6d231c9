// Common traditional characters and their simplified forms, position for position.
// Hand-picked from the characters that show up in short-video hashtags (people,
// places, shopping, feelings, platform words); a full OpenCC table would be ~3,000
// pairs and ~100 KB for a handful of extra merges.
const TRADITIONAL =
  '愛們這個為會說時樂國與賺熱門視頻發關註遊戲電裝髮學習長開對後還讓從聽見覺點無麼邊過進運動鍛煉機場書畫風雲龍鳥貓魚馬難萬億錢買賣價貨質實寶媽爺兒親戀溫獨歲樣體頭臉顏紅綠藍黃麗聖誕節氣廣聲劇網號錄記憶議請謝讚簡單雙滿圓園農業產廠車輛閃問間題顯減練經驗養飯麵餅雞鴨魷蝦湯燒鍋灣臺華陽陰東亞歐韓軍戰鬥敗勝贏輸線紙幣鐵銀鑽飾環衛護醫藥療術筆寫讀語詞詩詳細級組織繡編結給絲緣總辦處變鄉縣區廳側傳儀優俠劍團圖壓夢奮嬰層島帥師帶幫應態慶懷戶擇據擔擺攤數斷歷檔歸殺決沒淚潔濃災煙燈爾牽狀獎現瑪畢當盡眾確禮稱種穩競範築糧紀約紹終統續羅聯腦艱莊葉蘭蘇蟲衝補裡製複規覽觀計訂訊訓許設診認誤課調談證識貝負財貼費資賞賽趕趙跡蹤軟輕載連週達遠適選鄰釋針鈴錯鍵鏡閱隊階隨險雖離靈靜響項順須領類飛館驚髒鬧鹽麥齊齒龜萬專業東絕燦爛嗎啊們您歡喚漢語韻舊歲陳懶惡戲劇區舉團圍場塊壞夠夾奪婦孫寧實審寵對導將屬岡峽崗嶺幣幹幾廟廢彈徑從復徵憐懸戀戲擁擊擋擠擴攝敵斂斬於時晉晝暫曬書會東條來楊極榮樂標樹橋機權歐歡殘毆氣決況淨淺減渾湧準溝滅滬漲漸潛澀濕濟濤灑灘灣為烏無煩熱燈爐爭爺牆獅獵獻瑣環瓊產畝畫異痺瘋癡發盜監盤盧眾睜礦碼磚礎稅穀窮竅筆節範築簡籃籠紋紐純紗紙級紛絆絕統絲綁綱網綿緊緒線緻縮總繁繩繪繼續纏罰罷聖聞聲聽肅脅脈脫腫膠膚臨舉艙艷藝蘋虧蝴螢衛衛袞襪襯覺觸訪詢試詩話誕誠誰諧豐豔貞貢貪貫責貴貸買賀賈賓賢賤賬賭賴贈贊趨踐躍輝輪輯輸轉轟辭邊遙遞遲鄭醜釣鈔鉛銅鋼錶錦鍋鎖鎮鐘鑑閉閒閘閩闆闖阪陣陸陽隱雜雞離電霧靂韋韓頁頂順預頓頗領頻顆題額顏願顛顧風颱飄飽飾餘駕騙騎體髮鬆鬍魯鮮鯨鳳鳴鴻鵝鶴鷹鹹麗黨鼎齡';
const SIMPLIFIED =
  '爱们这个为会说时乐国与赚热门视频发关注游戏电装发学习长开对后还让从听见觉点无么边过进运动锻炼机场书画风云龙鸟猫鱼马难万亿钱买卖价货质实宝妈爷儿亲恋温独岁样体头脸颜红绿蓝黄丽圣诞节气广声剧网号录记忆议请谢赞简单双满圆园农业产厂车辆闪问间题显减练经验养饭面饼鸡鸭鱿虾汤烧锅湾台华阳阴东亚欧韩军战斗败胜赢输线纸币铁银钻饰环卫护医药疗术笔写读语词诗详细级组织绣编结给丝缘总办处变乡县区厅侧传仪优侠剑团图压梦奋婴层岛帅师带帮应态庆怀户择据担摆摊数断历档归杀决没泪洁浓灾烟灯尔牵状奖现玛毕当尽众确礼称种稳竞范筑粮纪约绍终统续罗联脑艰庄叶兰苏虫冲补里制复规览观计订讯训许设诊认误课调谈证识贝负财贴费资赏赛赶赵迹踪软轻载连周达远适选邻释针铃错键镜阅队阶随险虽离灵静响项顺须领类飞馆惊脏闹盐麦齐齿龟万专业东绝灿烂吗啊们您欢唤汉语韵旧岁陈懒恶戏剧区举团围场块坏够夹夺妇孙宁实审宠对导将属冈峡岗岭币干几庙废弹径从复征怜悬恋戏拥击挡挤扩摄敌敛斩于时晋昼暂晒书会东条来杨极荣乐标树桥机权欧欢残殴气决况净浅减浑涌准沟灭沪涨渐潜涩湿济涛洒滩湾为乌无烦热灯炉争爷墙狮猎献琐环琼产亩画异痹疯痴发盗监盘卢众睁矿码砖础税谷穷窍笔节范筑简篮笼纹纽纯纱纸级纷绊绝统丝绑纲网绵紧绪线致缩总繁绳绘继续缠罚罢圣闻声听肃胁脉脱肿胶肤临举舱艳艺苹亏蝴萤卫卫衮袜衬觉触访询试诗话诞诚谁谐丰艳贞贡贪贯责贵贷买贺贾宾贤贱账赌赖赠赞趋践跃辉轮辑输转轰辞边遥递迟郑丑钓钞铅铜钢表锦锅锁镇钟鉴闭闲闸闽板闯阪阵陆阳隐杂鸡离电雾雳韦韩页顶顺预顿颇领频颗题额颜愿颠顾风台飘饱饰余驾骗骑体发松胡鲁鲜鲸凤鸣鸿鹅鹤鹰咸丽党鼎龄';

const table = new Map<string, string>();
{
  const from = [...TRADITIONAL];
  const to = [...SIMPLIFIED];
  if (from.length !== to.length) {
    throw new Error(`traditional table misaligned: ${from.length} vs ${to.length} characters`);
  }
  for (let k = 0; k < from.length; k++) table.set(from[k]!, to[k]!);
}

/** Maps the common traditional characters of the table to simplified ones; other characters pass through. */
export function toSimplified(text: string): string {
  let out = '';
  for (const character of text) out += table.get(character) ?? character;
  return out;
}
