module portable-backend/images/httpcheck

go 1.26.0
