# Skrb, partners: српски, ћирилица (латиница се добија транслитерацијом).

partners-title = Партнерске организације
partners-find = Пронађи партнера
partners-new = Нови партнер
partners-name = Назив
partners-kind = Врста
partners-kind-city = Градска управа
partners-kind-health = Здравство
partners-kind-school = Школа
partners-kind-kindergarten = Вртић
partners-kind-police = Полиција
partners-kind-court = Суд
partners-kind-pensioners_home = Дом пензионера
partners-kind-ngo = Невладина организација
partners-kind-employment = Завод за запошљавање
partners-kind-other = Друго
partners-open-referrals = Отворена упућивања
partners-contacts = Контакт особе
partners-contact-name = Име
partners-contact-position = Функција
partners-contact-add = Додај
partners-users = Кориснички налози партнера
partners-user-name = Корисничко име (улога партнер)
partners-user-link = Повежи
partners-err-partner-exists = Партнер с овим називом је већ уписан.
partners-err-partner-user = Ниједан налог с улогом „партнер“ нема ово корисничко име.
