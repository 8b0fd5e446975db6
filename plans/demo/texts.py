"""What a commune office writes in a month's update, a review, an answer: Vietnamese, picked by a seeded random."""

ACHIEVEMENTS = [
    "Đã tổ chức họp triển khai với các ấp, phân công cán bộ theo dõi, đôn đốc thực hiện.",
    "Hoàn thành rà soát số liệu của các ấp, cập nhật vào hệ thống báo cáo của xã.",
    "Phối hợp tuyên truyền trên trang thông tin điện tử xã và hệ thống loa truyền thanh các ấp.",
    "Tổ chức 01 buổi tập huấn cho cán bộ, công chức xã và Tổ Công nghệ số cộng đồng.",
    "Đã ban hành văn bản hướng dẫn, đôn đốc các đơn vị liên quan triển khai thực hiện.",
    "Tiếp tục triển khai theo kế hoạch; lập danh sách, khảo sát nhu cầu tại các ấp.",
    "Hướng dẫn người dân cài đặt, kích hoạt ứng dụng VNeID và sử dụng dịch vụ công trực tuyến.",
    "Làm việc với doanh nghiệp viễn thông về khảo sát vị trí lắp đặt trạm phát sóng.",
    "Kiểm tra thực tế tại trụ sở và nhà văn hóa các ấp; tổng hợp đề xuất trang thiết bị.",
    "Tổng hợp kết quả thực hiện của các ấp, báo cáo lãnh đạo UBND xã.",
]
COMPLETION = [
    "Hoàn thành nhiệm vụ; gửi kèm văn bản, biên bản làm minh chứng.",
    "Đã hoàn thành theo kế hoạch; nộp báo cáo kết quả kèm hình ảnh minh chứng.",
]
RESUBMISSION = "Nộp lại minh chứng đã bổ sung theo ý kiến thẩm định."
DIFFICULTIES = [
    "Kinh phí thực hiện chưa được bố trí kịp thời.",
    "Hạ tầng mạng tại một số ấp còn yếu, đường truyền không ổn định.",
    "Cán bộ kiêm nhiệm nhiều việc, thiếu nhân lực chuyên trách về chuyển đổi số.",
    "Người dân lớn tuổi còn ngại sử dụng dịch vụ công trực tuyến.",
    "Chưa có hướng dẫn chi tiết của cấp trên về tiêu chí đánh giá.",
]
PROPOSALS = [
    "Đề nghị UBND xã xem xét bổ sung kinh phí trong dự toán điều chỉnh.",
    "Kiến nghị Sở Khoa học và Công nghệ hỗ trợ tập huấn chuyên sâu cho cán bộ phụ trách.",
    "Đề nghị doanh nghiệp viễn thông khảo sát, nâng cấp trạm phát sóng tại các ấp vùng ven.",
    "Đề nghị cấp trên sớm ban hành văn bản hướng dẫn thống nhất.",
]
ANSWERS = [
    "Giao Phòng Kinh tế tham mưu bố trí kinh phí trong dự toán điều chỉnh; báo cáo trước ngày 25 tháng sau.",
    "Thống nhất đề xuất; Văn phòng HĐND-UBND xã liên hệ Sở Khoa học và Công nghệ đăng ký lớp tập huấn.",
    "Đơn vị chủ trì làm việc trực tiếp với doanh nghiệp viễn thông, báo cáo kết quả trong kỳ tới.",
    "Ghi nhận kiến nghị; tổng hợp báo cáo cấp trên xem xét, hướng dẫn.",
]
REJECTIONS = [
    ("product_not_shown", "Biên bản chưa thể hiện sản phẩm đã đăng ký; đề nghị bổ sung danh sách kèm theo."),
    ("unsigned", "Văn bản chưa có chữ ký, đóng dấu; đề nghị nộp bản đã ký."),
    ("wrong_period", "Số liệu là của kỳ trước; đề nghị cập nhật số liệu kỳ này."),
]
ACCEPT_NOTE = "Minh chứng đầy đủ, đúng sản phẩm đã đăng ký."
RETURN_COMMENT = "Thiếu số liệu chỉ tiêu và ý kiến đề xuất; đề nghị bổ sung, gửi lại."
LOCKED_REASON = "Cập nhật kết quả cuối tháng sau khi báo cáo kỳ đã chốt số liệu."
