"""Company facts: values of the bank variables ({{公司名称}}) per organisation and site."""
