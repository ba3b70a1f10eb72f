-- The channels the seller setup lists products on. With the channels of the policies and those
-- the locations name, they are the channels the levels feed shows, with or without a policy.
CREATE TABLE listed_channels (
    channel  text PRIMARY KEY
);
