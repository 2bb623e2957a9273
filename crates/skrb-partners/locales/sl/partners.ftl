# Skrb, partners: slovenščina.

partners-title = Partnerske organizacije
partners-find = Poišči partnerja
partners-new = Nov partner
partners-name = Naziv
partners-kind = Vrsta
partners-kind-city = Občinska uprava
partners-kind-health = Zdravstvo
partners-kind-school = Šola
partners-kind-kindergarten = Vrtec
partners-kind-police = Policija
partners-kind-court = Sodišče
partners-kind-pensioners_home = Dom upokojencev
partners-kind-ngo = Nevladna organizacija
partners-kind-employment = Zavod za zaposlovanje
partners-kind-other = Drugo
partners-open-referrals = Odprte napotitve
partners-contacts = Kontaktne osebe
partners-contact-name = Ime
partners-contact-position = Funkcija
partners-contact-add = Dodaj
partners-users = Uporabniški računi partnerja
partners-user-name = Uporabniško ime (vloga partner)
partners-user-link = Poveži
partners-err-partner-exists = Partner s tem nazivom je že vpisan.
partners-err-partner-user = Noben račun z vlogo »partner« nima tega uporabniškega imena.
